package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * Decides which {@link ReliableHeaders} of a consumed record a listener may believe. Only the group's own retry
 * topic holds records that its failure router forwarded, so only there do the message id, reconsume count,
 * original coordinates and first failure time describe the record's history with this group (a BLOCKING listener
 * reads it too where it holds records parked under RETRY_TOPIC). Anywhere else (a source topic) such headers are
 * foreign: a record replayed from a
 * dead-letter topic, or copied from another group. Believing them would give the record fewer retries than it
 * is due, or none. A record with foreign headers therefore starts afresh; its earlier message id is kept as
 * {@link ReliableHeaders#ORIGINAL_MESSAGE_ID}.
 */
public final class HeaderTrust {

	private final @Nullable String retryTopic;

	/**
	 * Create the trust of one listener.
	 * @param policy the listener's policy
	 */
	public HeaderTrust(ListenerPolicy policy) {
		this.retryTopic = policy.groupRetryTopic();
	}

	/**
	 * Return whether the {@link ReliableHeaders} of a record were written for this listener's group.
	 * @param record the consumed record
	 * @return true only for a record of the group's retry topic
	 */
	public boolean trusts(ConsumerRecord<?, ?> record) {
		return record.topic().equals(this.retryTopic);
	}

	/**
	 * Return the record as the failure router may read it: the record itself when its headers are trusted or it
	 * carries none of ours; otherwise a copy, with the same key, value and coordinates, whose foreign headers are
	 * replaced as by {@link #distrust(Headers)}.
	 * @param record the consumed record
	 * @return the record to read headers from and to forward
	 */
	public ConsumerRecord<?, ?> view(ConsumerRecord<?, ?> record) {
		if (trusts(record) || !carriesOurs(record.headers())) {
			return record;
		}
		Headers headers = new RecordHeaders(record.headers().toArray());
		distrust(headers);
		return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
				record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
				record.value(), headers, record.leaderEpoch());
	}

	/**
	 * Prepare headers that the listener sees: foreign ones are replaced unless the record is trusted.
	 * @param record the consumed record
	 * @param headers a modifiable copy of its headers
	 */
	public void apply(ConsumerRecord<?, ?> record, Headers headers) {
		if (!trusts(record) && carriesOurs(headers)) {
			distrust(headers);
		}
	}

	/**
	 * Remove every foreign {@link ReliableHeaders} header but {@link ReliableHeaders#REDRIVE_COUNT}, keeping the
	 * foreign message id as
	 * {@link ReliableHeaders#ORIGINAL_MESSAGE_ID} (or an original message id it already carried).
	 * @param headers modifiable headers
	 */
	static void distrust(Headers headers) {
		String original = HeaderValues.text(headers, ReliableHeaders.MESSAGE_ID);
		if (original == null) {
			original = HeaderValues.text(headers, ReliableHeaders.ORIGINAL_MESSAGE_ID);
		}
		for (Header header : headers.toArray()) {
			// The redrive count is no claim about this group's retries: it stays for the redrive's loop guard.
			if (header.key().startsWith(ReliableHeaders.PREFIX)
					&& !header.key().equals(ReliableHeaders.REDRIVE_COUNT)) {
				headers.remove(header.key());
			}
		}
		if (original != null) {
			headers.add(ReliableHeaders.ORIGINAL_MESSAGE_ID, original.getBytes(StandardCharsets.UTF_8));
		}
	}

	private static boolean carriesOurs(Headers headers) {
		for (Header header : headers) {
			if (header.key().startsWith(ReliableHeaders.PREFIX)) {
				return true;
			}
		}
		return false;
	}

}
