package dev.reliablekafka.internal.listener;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.blocking.InPlaceRetries;
import dev.reliablekafka.internal.routing.HeaderTrust;

/**
 * Writes the {@link ReliableHeaders} a listener sees on each delivery of a record, so that it can make itself
 * idempotent and know its attempt: {@link ReliableHeaders#MESSAGE_ID} and {@link ReliableHeaders#RECONSUME_COUNT}.
 * Headers of a record that came from elsewhere than the group's retry topic are not believed ({@link HeaderTrust}).
 * In BLOCKING the reconsume count is the record's failed attempts so far, from the failure router's in-place
 * retries of the same container, as its dead-letter record would say; in RETRY_TOPIC it is the count the record
 * carries from the retry topic, 0 on its first delivery.
 */
final class DeliveryHeaders {

	private static final byte[] FIRST_DELIVERY = "0".getBytes(StandardCharsets.UTF_8);

	private final HeaderTrust trust;

	private final @Nullable InPlaceRetries inPlaceRetries;

	/**
	 * Create the headers of one listener.
	 * @param trust which headers the listener believes
	 * @param inPlaceRetries the failure router's in-place retries for a BLOCKING listener, else {@code null}
	 */
	DeliveryHeaders(HeaderTrust trust, @Nullable InPlaceRetries inPlaceRetries) {
		this.trust = trust;
		this.inPlaceRetries = inPlaceRetries;
	}

	/**
	 * Write the headers of a delivery.
	 * @param record the record as consumed
	 * @param headers a modifiable copy of its headers, which the listener gets
	 */
	void apply(ConsumerRecord<?, ?> record, Headers headers) {
		this.trust.apply(record, headers);
		if (this.inPlaceRetries != null) {
			// A record parked in the group's retry topic under RETRY_TOPIC keeps its message id.
			byte[] messageId = (this.trust.trusts(record) && headers.lastHeader(ReliableHeaders.MESSAGE_ID) != null)
					? headers.lastHeader(ReliableHeaders.MESSAGE_ID).value() : ownMessageId(record);
			headers.remove(ReliableHeaders.MESSAGE_ID);
			headers.remove(ReliableHeaders.RECONSUME_COUNT);
			headers.add(ReliableHeaders.MESSAGE_ID, messageId);
			headers.add(ReliableHeaders.RECONSUME_COUNT, Integer.toString(this.inPlaceRetries.failedAttempts(record))
				.getBytes(StandardCharsets.UTF_8));
		}
		else if (headers.lastHeader(ReliableHeaders.MESSAGE_ID) == null) {
			headers.add(ReliableHeaders.MESSAGE_ID, ownMessageId(record));
			headers.add(ReliableHeaders.RECONSUME_COUNT, FIRST_DELIVERY);
		}
	}

	// As HeaderValues.messageId gives for a record that carries none.
	private static byte[] ownMessageId(ConsumerRecord<?, ?> record) {
		return (record.topic() + "-" + record.partition() + "-" + record.offset()).getBytes(StandardCharsets.UTF_8);
	}

}
