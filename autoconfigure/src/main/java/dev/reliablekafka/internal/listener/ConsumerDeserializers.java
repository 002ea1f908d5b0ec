package dev.reliablekafka.internal.listener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.DirectFieldAccessor;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.util.ClassUtils;

/**
 * The application's deserializers of every reliable consumer, one pair per consumer, created and configured with
 * that consumer's configuration as {@link DefaultKafkaConsumerFactory} and the Kafka consumer would: a
 * deserializer named by class is instantiated per consumer, one from the application's consumer factory is
 * taken from it per consumer (a supplier there gives each consumer its own) and configured unless that factory
 * says not to. Deserializers are not required to be thread-safe, and a {@code JsonDeserializer} relies on
 * {@code spring.json.*} properties reaching {@code configure}.
 */
final class ConsumerDeserializers {

	private static final LogAccessor logger = new LogAccessor(ConsumerDeserializers.class);

	private final ConsumerFactory<?, ?> application;

	private final boolean configureApplicationInstances;

	private final Map<String, Object> defaultConfig;

	private final Map<Consumer<?, ?>, Pair> byConsumer = new ConcurrentHashMap<>();

	/**
	 * Create the registry.
	 * @param application the application's consumer factory
	 * @param defaultConfig the configuration of reliable consumers
	 */
	ConsumerDeserializers(ConsumerFactory<?, ?> application, Map<String, Object> defaultConfig) {
		this.application = application;
		this.configureApplicationInstances = configures(application);
		this.defaultConfig = defaultConfig;
	}

	/**
	 * Create the deserializers of a new consumer.
	 * @param consumer the consumer, as the container will use it
	 * @param raw the consumer as created, before post-processors, which is the one reported when it closes
	 * @param config the consumer's configuration
	 */
	void open(Consumer<?, ?> consumer, Consumer<?, ?> raw, Map<String, Object> config) {
		this.byConsumer.put(consumer, create(config, raw));
	}

	/**
	 * Return the deserializers of a consumer.
	 * @param consumer the consumer
	 * @return its deserializers
	 */
	Pair of(Consumer<?, ?> consumer) {
		Pair pair = this.byConsumer.get(consumer);
		if (pair == null) {
			// Not created by the reliable consumer factory: still one pair per consumer, with the common settings.
			pair = this.byConsumer.computeIfAbsent(consumer, key -> create(this.defaultConfig, key));
		}
		return pair;
	}

	/**
	 * Close and forget the deserializers of a consumer that closed.
	 * @param raw the consumer, as created
	 */
	void closed(Consumer<?, ?> raw) {
		this.byConsumer.entrySet().removeIf(entry -> {
			if (entry.getValue().raw() != raw) {
				return false;
			}
			entry.getValue().close();
			return true;
		});
	}

	private Pair create(Map<String, Object> config, Consumer<?, ?> raw) {
		Created key = deserializer(config, true);
		Created value = deserializer(config, false);
		return new Pair(key.deserializer(), value.deserializer(), key.owned(), value.owned(), raw);
	}

	private Created deserializer(Map<String, Object> config, boolean isKey) {
		Deserializer<?> instance = isKey ? this.application.getKeyDeserializer()
				: this.application.getValueDeserializer();
		if (instance != null) {
			if (this.configureApplicationInstances) {
				instance.configure(config, isKey);
			}
			return new Created(instance, false);
		}
		Object type = config.get(isKey ? ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG
				: ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
		if (type == null) {
			return new Created(new ByteArrayDeserializer(), true);
		}
		Class<?> deserializerClass = (type instanceof Class<?> cls) ? cls
				: ClassUtils.resolveClassName(type.toString().trim(), ClassUtils.getDefaultClassLoader());
		Deserializer<?> created = BeanUtils.instantiateClass(deserializerClass, Deserializer.class);
		created.configure(config, isKey);
		return new Created(created, true);
	}

	// DefaultKafkaConsumerFactory has no getter for it; it configures its instances by default.
	private static boolean configures(ConsumerFactory<?, ?> factory) {
		if (!(factory instanceof DefaultKafkaConsumerFactory<?, ?>)) {
			return true;
		}
		try {
			return !Boolean.FALSE.equals(new DirectFieldAccessor(factory).getPropertyValue("configureDeserializers"));
		}
		catch (BeansException ex) {
			return true;
		}
	}

	private record Created(Deserializer<?> deserializer, boolean owned) {
	}

	/**
	 * The deserializers of one consumer.
	 *
	 * @param key the key deserializer
	 * @param value the value deserializer
	 * @param ownsKey whether the key deserializer was created for this consumer, and is closed with it
	 * @param ownsValue whether the value deserializer was created for this consumer, and is closed with it
	 * @param raw the consumer, as created
	 */
	record Pair(Deserializer<?> key, Deserializer<?> value, boolean ownsKey, boolean ownsValue, Consumer<?, ?> raw) {

		/**
		 * Return whether records are handed to the listener as raw bytes.
		 * @return whether both deserializers are byte array deserializers
		 */
		boolean rawBytes() {
			return this.key instanceof ByteArrayDeserializer && this.value instanceof ByteArrayDeserializer;
		}

		// Instances from the application's factory may serve other consumers too: their owner closes them.
		void close() {
			if (this.ownsKey) {
				close(this.key);
			}
			if (this.ownsValue) {
				close(this.value);
			}
		}

		private static void close(Deserializer<?> deserializer) {
			try {
				deserializer.close();
			}
			catch (RuntimeException ex) {
				logger.warn(ex, () -> "Could not close " + deserializer);
			}
		}

	}

}
