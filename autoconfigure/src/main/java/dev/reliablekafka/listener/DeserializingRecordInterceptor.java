package dev.reliablekafka.listener;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

import dev.reliablekafka.routing.FailureHeaders;
import dev.reliablekafka.routing.ReliableHeaders;

/**
 * Deserializes, just before the listener is invoked, a record that the consumer read as raw bytes, using the
 * application's configured deserializers. The container keeps the raw record, so a failed record is forwarded
 * byte for byte; a record that cannot be deserialized raises a {@link DeserializationException}, which the
 * failure router treats as poison. The listener also sees {@link ReliableHeaders#MESSAGE_ID} and
 * {@link ReliableHeaders#RECONSUME_COUNT} on the first delivery, so that it can make itself idempotent.
 */
public class DeserializingRecordInterceptor implements RecordInterceptor<Object, Object> {

	private static final LogAccessor logger = new LogAccessor(DeserializingRecordInterceptor.class);

	private static final byte[] FIRST_DELIVERY = "0".getBytes(StandardCharsets.UTF_8);

	private final Deserializer<?> keyDeserializer;

	private final Deserializer<?> valueDeserializer;

	private final boolean rawBytes;

	/**
	 * Create the interceptor.
	 * @param keyDeserializer the application's key deserializer, configured
	 * @param valueDeserializer the application's value deserializer, configured
	 */
	public DeserializingRecordInterceptor(Deserializer<?> keyDeserializer, Deserializer<?> valueDeserializer) {
		this.keyDeserializer = keyDeserializer;
		this.valueDeserializer = valueDeserializer;
		this.rawBytes = keyDeserializer instanceof ByteArrayDeserializer
				&& valueDeserializer instanceof ByteArrayDeserializer;
	}

	@Override
	public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> raw,
			Consumer<Object, Object> consumer) {
		// The raw record stays as consumed, for forwarding; deserializers may add or remove headers (type ids,
		// deserialization errors), so the listener gets a copy.
		Headers headers = new RecordHeaders(raw.headers().toArray());
		if (headers.lastHeader(ReliableHeaders.MESSAGE_ID) == null) {
			headers.add(ReliableHeaders.MESSAGE_ID, FailureHeaders.messageId(raw).getBytes(StandardCharsets.UTF_8));
			headers.add(ReliableHeaders.RECONSUME_COUNT, FIRST_DELIVERY);
		}
		Object key = this.rawBytes ? raw.key() : deserialize(this.keyDeserializer, raw, headers, (byte[]) raw.key(), true);
		Object value = this.rawBytes ? raw.value()
				: deserialize(this.valueDeserializer, raw, headers, (byte[]) raw.value(), false);
		return new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(),
				raw.timestampType(), raw.serializedKeySize(), raw.serializedValueSize(), key, value, headers,
				raw.leaderEpoch());
	}

	private static @Nullable Object deserialize(Deserializer<?> deserializer, ConsumerRecord<?, ?> raw,
			Headers headers, byte @Nullable [] data, boolean isKey) {
		Object result;
		try {
			result = deserializer.deserialize(raw.topic(), headers, data);
		}
		catch (RuntimeException ex) {
			throw new DeserializationException(what(raw, isKey) + " could not be deserialized", data, isKey, ex);
		}
		// An ErrorHandlingDeserializer reports its failure in a header it adds, instead of throwing.
		String errorHeader = isKey ? SerializationUtils.KEY_DESERIALIZER_EXCEPTION_HEADER
				: SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER;
		Header error = headers.lastHeader(errorHeader);
		if (error != null && error != raw.headers().lastHeader(errorHeader)) {
			DeserializationException reported = SerializationUtils.byteArrayToDeserializationException(logger, error);
			throw new DeserializationException(what(raw, isKey) + " could not be deserialized", data, isKey,
					(reported != null) ? reported : new IllegalStateException("see header " + error.key()));
		}
		return result;
	}

	private static String what(ConsumerRecord<?, ?> raw, boolean isKey) {
		return (isKey ? "Key" : "Value") + " of " + raw.topic() + "-" + raw.partition() + "@" + raw.offset();
	}

}
