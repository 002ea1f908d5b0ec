package dev.reliablekafka.internal.retrytopic;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerPostProcessor;

/**
 * Lets a BLOCKING listener consume its group's retry topic only where it exists. The group may have been
 * RETRY_TOPIC before, or still is on instances not yet redeployed, and records parked in its retry topic then
 * must still be delivered; a group that never had one must not get one created by its consumer, nor warnings
 * about a missing topic. So the listener is given the retry topic, and when its consumer subscribes, on the
 * consumer's own thread as the container starts, a missing retry topic is left out. When the broker cannot be
 * asked, the topic is kept: a record must never be stranded.
 */
public class OptionalRetryTopics implements ConsumerPostProcessor<Object, Object> {

	private static final LogAccessor logger = new LogAccessor(OptionalRetryTopics.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	/**
	 * Declare a topic that consumers subscribe to only if it exists.
	 * @param topic the retry topic of a BLOCKING listener's group
	 */
	public void add(String topic) {
		this.topics.add(topic);
	}

	@Override
	public Consumer<Object, Object> apply(Consumer<Object, Object> consumer) {
		@SuppressWarnings("unchecked")
		Consumer<Object, Object> proxy = (Consumer<Object, Object>) Proxy.newProxyInstance(
				OptionalRetryTopics.class.getClassLoader(), new Class<?>[] { Consumer.class },
				(target, method, args) -> {
					if (method.getName().equals("subscribe") && args != null && args[0] instanceof Collection<?> wanted) {
						args[0] = existing(consumer, wanted);
					}
					try {
						return method.invoke(consumer, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
		return proxy;
	}

	private List<String> existing(Consumer<?, ?> consumer, Collection<?> wanted) {
		List<String> optional = wanted.stream().map(String::valueOf).filter(this.topics::contains).toList();
		if (optional.isEmpty()) {
			return wanted.stream().map(String::valueOf).toList();
		}
		Set<String> existing = topics(consumer);
		return wanted.stream().map(String::valueOf).filter(topic -> {
			boolean keep = existing == null || !this.topics.contains(topic) || existing.contains(topic);
			if (this.topics.contains(topic)) {
				logger.info(() -> keep ? "Consuming " + topic + ", which may hold records parked in RETRY_TOPIC mode"
						: "Not consuming " + topic + ": it does not exist");
			}
			return keep;
		}).toList();
	}

	private static @Nullable Set<String> topics(Consumer<?, ?> consumer) {
		try {
			return consumer.listTopics(TIMEOUT).keySet();
		}
		catch (RuntimeException ex) {
			logger.warn(ex, "Could not list the broker's topics; consuming the retry topics in case they exist");
			return null;
		}
	}

}
