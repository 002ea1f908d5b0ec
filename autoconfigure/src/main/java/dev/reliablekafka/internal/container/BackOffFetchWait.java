package dev.reliablekafka.internal.container;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerPostProcessor;

/**
 * Keeps a consumer's fetch wait short only while it matters, so that a back-off ends on time without an idle
 * consumer making the broker serve a hundred empty fetches a second.
 * <p>
 * A consumer has at most one fetch in flight per broker, and the broker holds a fetch that finds no new data for
 * {@code fetch.max.wait.ms} (500 ms by default). A partition resumed after its back-off is fetched only once the
 * fetch in flight returns, so a 50 ms back-off used to end after up to half a second. The fetches a consumer
 * sends are therefore short (10 ms) while records arrive (the fetch sent as a poll returns them, when
 * a record may fail next) and from {@code fetch.max.wait.ms} before a back-off of that consumer ends until it
 * ends; at any other time they wait as configured. Each back-off costs at most {@code fetch.max.wait.ms} divided
 * by the short wait in empty fetches (about 50 by default), an idle consumer none.
 * <p>
 * Added to a consumer factory as its first post-processor, so that it wraps the consumer Kafka created; records
 * arriving are signalled by {@link ArrivalSignallingDeserializer}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class BackOffFetchWait<K, V> implements ConsumerPostProcessor<K, V> {

	/** The wait of a short fetch, in milliseconds. */
	static final int SHORT_MILLIS = 10;

	// The consumer polled on this thread: back-offs started and records fetched on it are that consumer's.
	private static final ThreadLocal<Waits> polling = new ThreadLocal<>();

	@Override
	public Consumer<K, V> apply(Consumer<K, V> consumer) {
		FetchWait wait = (consumer instanceof KafkaConsumer<?, ?>) ? FetchWait.of(consumer) : null;
		if (wait == null || !wait.adjustable()) {
			return consumer;
		}
		Waits waits = new Waits(wait);
		@SuppressWarnings("unchecked")
		Consumer<K, V> proxy = (Consumer<K, V>) Proxy.newProxyInstance(
				BackOffFetchWait.class.getClassLoader(), new Class<?>[] { Consumer.class },
				(target, method, args) -> {
					if (method.getName().equals("poll") && args != null && args.length == 1
							&& args[0] instanceof Duration timeout) {
						return waits.poll(consumer, timeout);
					}
					if (method.getName().equals("close") && polling.get() == waits) {
						polling.remove();
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

	/**
	 * Tell the consumer polled on this thread that one of its partitions waits until then; nothing if this thread
	 * polls no consumer of a factory with this post-processor.
	 * @param resumeAtNanos when the back-off ends, in {@link System#nanoTime()}
	 * @return the consumer's waits, to tell it when the partition is resumed; {@code null} if none
	 */
	static @Nullable Waits backingOff(long resumeAtNanos) {
		Waits waits = polling.get();
		if (waits != null) {
			waits.backingOff(resumeAtNanos);
		}
		return waits;
	}

	/**
	 * Tell the consumer polled on this thread that records arrived, while its poll is collecting them: the fetch
	 * it sends before returning them is then short, in case one of them fails.
	 */
	static void recordsArriving() {
		Waits waits = polling.get();
		if (waits != null) {
			waits.wait.set(SHORT_MILLIS);
		}
	}

	/**
	 * The back-offs of one consumer and its fetch wait; used on the consumer's thread, except {@link #resumed()}.
	 */
	static final class Waits {

		private final FetchWait wait;

		private final long configuredNanos;

		// When the back-offs of the consumer's partitions end, earliest first.
		private final PriorityQueue<Long> ends = new PriorityQueue<>();

		private final AtomicBoolean resumed = new AtomicBoolean();

		Waits(FetchWait wait) {
			this.wait = wait;
			this.configuredNanos = Duration.ofMillis(wait.configured()).toNanos();
		}

		void backingOff(long resumeAtNanos) {
			this.ends.add(resumeAtNanos);
			if (resumeAtNanos - System.nanoTime() <= this.configuredNanos) {
				this.wait.set(SHORT_MILLIS);
			}
		}

		/**
		 * Tell the consumer that a partition of it was resumed. The container wakes a consumer that polls when a
		 * partition is resumed, but not one between two polls, which would then apply the resume only after its
		 * next poll returned: up to the poll timeout later. So that poll returns at once.
		 */
		void resumed() {
			this.resumed.set(true);
		}

		/**
		 * Poll, with the consumer's fetches short from {@code fetch.max.wait.ms} before a back-off ends: the
		 * poll is split there, since the consumer sends its next fetch with the wait set when it sends it.
		 */
		<K, V> ConsumerRecords<K, V> poll(Consumer<K, V> consumer, Duration timeout) {
			polling.set(this);
			long deadline = System.nanoTime() + timeout.toNanos();
			while (true) {
				if (this.resumed.getAndSet(false)) {
					return ConsumerRecords.empty();
				}
				long now = System.nanoTime();
				while (!this.ends.isEmpty() && this.ends.peek() - now < 0) {
					this.ends.poll();
				}
				long remaining = Math.max(0, deadline - now);
				long slice = remaining;
				if (!this.ends.isEmpty() && this.ends.peek() - now <= this.configuredNanos) {
					this.wait.set(SHORT_MILLIS);
					slice = Math.min(slice, this.ends.peek() - now);
				}
				else {
					this.wait.set(this.wait.configured());
					if (!this.ends.isEmpty()) {
						slice = Math.min(slice, this.ends.peek() - this.configuredNanos - now);
					}
				}
				ConsumerRecords<K, V> records = consumer.poll(Duration.ofNanos(slice));
				if (!records.isEmpty() || slice >= remaining) {
					return records;
				}
			}
		}

	}

}
