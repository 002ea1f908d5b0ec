package dev.reliablekafka.internal.listener;

import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

import dev.reliablekafka.internal.container.ArrivalSignallingDeserializer;
import dev.reliablekafka.internal.container.BackOffFetchWait;

/**
 * Creates reliable consumers, which read raw bytes, and with each one the application's deserializers that
 * {@link DeserializingRecordInterceptor} runs for it, configured with exactly that consumer's configuration
 * (a listener's own {@code properties} included); they are closed with the consumer.
 */
final class RawBytesConsumerFactory extends DefaultKafkaConsumerFactory<Object, Object> {

	private final ConsumerDeserializers deserializers;

	// The consumer being created on this thread, before post-processors wrap it.
	private final ThreadLocal<Consumer<Object, Object>> creating = new ThreadLocal<>();

	RawBytesConsumerFactory(Map<String, Object> config, ConsumerDeserializers deserializers) {
		super(config, rawBytes(), rawBytes());
		this.deserializers = deserializers;
		// First, so that it wraps the consumer Kafka created: keeps fetches short only around back-offs.
		addPostProcessor(new BackOffFetchWait<>());
		addListener(new Listener<>() {

			@Override
			public void consumerRemoved(String id, Consumer<Object, Object> consumer) {
				deserializers.closed(consumer);
			}

		});
	}

	@Override
	protected Consumer<Object, Object> createKafkaConsumer(Map<String, Object> configProps) {
		try {
			Consumer<Object, Object> consumer = super.createKafkaConsumer(configProps);
			Consumer<Object, Object> raw = this.creating.get();
			try {
				this.deserializers.open(consumer, (raw != null) ? raw : consumer, configProps);
			}
			catch (RuntimeException ex) {
				consumer.close();
				throw ex;
			}
			return consumer;
		}
		finally {
			this.creating.remove();
		}
	}

	@Override
	protected Consumer<Object, Object> createRawConsumer(Map<String, Object> configProps) {
		Consumer<Object, Object> raw = super.createRawConsumer(configProps);
		this.creating.set(raw);
		return raw;
	}

	private static Deserializer<Object> rawBytes() {
		@SuppressWarnings({ "unchecked", "rawtypes" })
		Deserializer<Object> bytes = (Deserializer) new ArrivalSignallingDeserializer();
		return bytes;
	}

}
