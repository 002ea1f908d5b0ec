package dev.reliablekafka.internal.listener;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

import dev.reliablekafka.ReliableHeaders;

/**
 * Deserializes, just before the listener is invoked, a record that the consumer read as raw bytes, using the
 * application's deserializers of that consumer. The container keeps the raw record, so a failed record is
 * forwarded byte for byte. A record that cannot be deserialized raises a {@link DeserializationException}, which
 * the failure router treats as poison, unless an I/O or retriable error caused it (a schema registry that is
 * down): that is retried as a {@link TransientDeserializationException}. The listener also sees
 * {@link ReliableHeaders#MESSAGE_ID} and {@link ReliableHeaders#RECONSUME_COUNT} on every delivery
 * ({@link DeliveryHeaders}). One interceptor serves one container, whose consumers share it.
 */
final class DeserializingRecordInterceptor implements RecordInterceptor<Object, Object> {

	private static final LogAccessor logger = new LogAccessor(DeserializingRecordInterceptor.class);

	private final ConsumerDeserializers deserializers;

	private final DeliveryHeaders deliveryHeaders;

	/**
	 * Create the interceptor of one container.
	 * @param deserializers the deserializers of each consumer
	 * @param deliveryHeaders writes the headers the listener sees
	 */
	DeserializingRecordInterceptor(ConsumerDeserializers deserializers, DeliveryHeaders deliveryHeaders) {
		this.deserializers = deserializers;
		this.deliveryHeaders = deliveryHeaders;
	}

	@Override
	public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> raw,
			Consumer<Object, Object> consumer) {
		// The raw record stays as consumed, for forwarding; deserializers may add or remove headers (type ids,
		// deserialization errors), so the listener gets a copy.
		Headers headers = new RecordHeaders(raw.headers().toArray());
		this.deliveryHeaders.apply(raw, headers);
		ConsumerDeserializers.Pair own = this.deserializers.of(consumer);
		if (own.rawBytes()) {
			return copy(raw, raw.key(), raw.value(), headers);
		}
		Object key = deserialize(own.key(), raw, headers, (byte[]) raw.key(), true);
		Object value = deserialize(own.value(), raw, headers, (byte[]) raw.value(), false);
		return copy(raw, key, value, headers);
	}

	private static ConsumerRecord<Object, Object> copy(ConsumerRecord<Object, Object> raw, @Nullable Object key,
			@Nullable Object value, Headers headers) {
		return new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), raw.timestampType(),
				raw.serializedKeySize(), raw.serializedValueSize(), key, value, headers, raw.leaderEpoch());
	}

	private static @Nullable Object deserialize(Deserializer<?> deserializer, ConsumerRecord<?, ?> raw,
			Headers headers, byte @Nullable [] data, boolean isKey) {
		Object result;
		try {
			result = deserializer.deserialize(raw.topic(), headers, data);
		}
		catch (RuntimeException ex) {
			throw failed(raw, data, isKey, ex);
		}
		// An ErrorHandlingDeserializer reports its failure in a header it adds, instead of throwing.
		String errorHeader = isKey ? KafkaUtils.KEY_DESERIALIZER_EXCEPTION_HEADER
				: KafkaUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER;
		Header error = headers.lastHeader(errorHeader);
		if (error != null && error != raw.headers().lastHeader(errorHeader)) {
			DeserializationException reported = SerializationUtils.byteArrayToDeserializationException(logger, error);
			throw failed(raw, data, isKey,
					(reported != null) ? reported : new IllegalStateException("see header " + error.key()));
		}
		return result;
	}

	private static RuntimeException failed(ConsumerRecord<?, ?> raw, byte @Nullable [] data, boolean isKey,
			Exception failure) {
		String what = (isKey ? "Key" : "Value") + " of " + raw.topic() + "-" + raw.partition() + "@" + raw.offset();
		TransientDeserializationException retryable = TransientDeserializationException.of(what, failure);
		return (retryable != null) ? retryable
				: new DeserializationException(what + " could not be deserialized", data, isKey, failure);
	}

}
