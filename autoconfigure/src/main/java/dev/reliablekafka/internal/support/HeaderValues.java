package dev.reliablekafka.internal.support;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.ReliableHeaders;

/**
 * Builds the headers of a record that is forwarded after a failure: the producer's headers are kept (tracing
 * included), the {@link ReliableHeaders} describing the record's origin are kept from an earlier hop or written
 * on the first one, and those describing the failure are replaced. The record must be read through
 * {@link dev.reliablekafka.internal.routing.HeaderTrust#view}, so that only headers written for the listener's group count as an earlier hop.
 * Reading never throws: a header that cannot be read, or an exception that cannot describe itself, must not keep
 * a record from being handed over or put back.
 */
public final class HeaderValues {

	private static final LogAccessor logger = new LogAccessor(HeaderValues.class);

	private static final int SHOWN_HEADER_LIMIT = 64;

	private HeaderValues() {
	}

	/**
	 * Return the stable message id of a record: the one it carries, or its coordinates if it carries none.
	 * @param record the consumed record
	 * @return the message id
	 */
	public static String messageId(ConsumerRecord<?, ?> record) {
		String carried = text(record.headers(), ReliableHeaders.MESSAGE_ID);
		return (carried != null) ? carried : record.topic() + "-" + record.partition() + "-" + record.offset();
	}

	/**
	 * Build the headers for forwarding a failed record.
	 * @param record the failed record, as consumed
	 * @param group the consumer group
	 * @param failure what the listener threw
	 * @param reconsumeCount retries after the first delivery so far
	 * @param firstFailureTime when the record first failed, used unless the record already carries one
	 * @return new headers; the record's own are not modified
	 */
	public static Headers forFailure(ConsumerRecord<?, ?> record, String group, Throwable failure,
			int reconsumeCount, long firstFailureTime) {
		Headers source = record.headers();
		RecordHeaders headers = new RecordHeaders();
		for (Header header : source) {
			// Links a replayed record to its earlier life, into the dead-letter topic; the redrive count goes back
			// there with it for the redrive's loop guard.
			if (!header.key().startsWith(ReliableHeaders.PREFIX)
					|| header.key().equals(ReliableHeaders.ORIGINAL_MESSAGE_ID)
					|| header.key().equals(ReliableHeaders.REDRIVE_COUNT)) {
				headers.add(header);
			}
		}
		Throwable cause = unwrap(failure);
		put(headers, ReliableHeaders.MESSAGE_ID, messageId(record));
		put(headers, ReliableHeaders.RECONSUME_COUNT, Integer.toString(reconsumeCount));
		keepOrPut(headers, source, ReliableHeaders.ORIGINAL_TOPIC, record.topic());
		keepOrPut(headers, source, ReliableHeaders.ORIGINAL_PARTITION, Integer.toString(record.partition()));
		keepOrPut(headers, source, ReliableHeaders.ORIGINAL_OFFSET, Long.toString(record.offset()));
		keepOrPut(headers, source, ReliableHeaders.ORIGINAL_TIMESTAMP, Long.toString(record.timestamp()));
		put(headers, ReliableHeaders.GROUP, group);
		keepOrPut(headers, source, ReliableHeaders.FIRST_FAILURE_TIME, Long.toString(firstFailureTime));
		put(headers, ReliableHeaders.EXCEPTION_CLASS, cause.getClass().getName());
		put(headers, ReliableHeaders.EXCEPTION_MESSAGE,
				FailureText.cut(FailureText.message(cause), ReliableHeaders.EXCEPTION_MESSAGE_LIMIT));
		put(headers, ReliableHeaders.EXCEPTION_STACKTRACE,
				FailureText.cut(FailureText.stackTrace(cause), ReliableHeaders.STACKTRACE_LIMIT));
		return headers;
	}

	/**
	 * Return the smallest form of the headers of a forwarded record, for a broker that refused it as too large:
	 * without the stack trace and with the exception message cut to
	 * {@value ReliableHeaders#EXCEPTION_MESSAGE_BRIEF_LIMIT} characters. Every other header is kept.
	 * @param headers the headers built by {@link #forFailure}
	 * @return new headers; the given ones are not modified
	 */
	public static Headers brief(Headers headers) {
		RecordHeaders brief = new RecordHeaders();
		for (Header header : headers) {
			if (!header.key().equals(ReliableHeaders.EXCEPTION_STACKTRACE)
					&& !header.key().equals(ReliableHeaders.EXCEPTION_MESSAGE)) {
				brief.add(header);
			}
		}
		String message = text(headers, ReliableHeaders.EXCEPTION_MESSAGE);
		if (message != null) {
			put(brief, ReliableHeaders.EXCEPTION_MESSAGE,
					FailureText.cut(message, ReliableHeaders.EXCEPTION_MESSAGE_BRIEF_LIMIT));
		}
		return brief;
	}

	/**
	 * Return how many times a record has been retried after its first delivery.
	 * @param record the consumed record
	 * @return the count it carries, or 0 if it carries none or one that is not a count (logged)
	 */
	public static int reconsumeCount(ConsumerRecord<?, ?> record) {
		String carried = text(record.headers(), ReliableHeaders.RECONSUME_COUNT);
		return (carried != null) ? count(record, carried) : 0;
	}

	// A malformed count restarts the retries: the record is retried at most max-reconsume-times more, then
	// dead-lettered, with a well-formed count from its next hop on. Throwing instead would strand the record.
	private static int count(ConsumerRecord<?, ?> record, String carried) {
		try {
			int count = Integer.parseInt(carried.trim());
			if (count >= 0) {
				return count;
			}
		}
		catch (NumberFormatException ex) {
			// logged below
		}
		logger.warn(() -> "Record " + KafkaUtils.format(record) + " carries the malformed header "
				+ ReliableHeaders.RECONSUME_COUNT + " '" + FailureText.cut(carried, SHOWN_HEADER_LIMIT)
				+ "'; counting it as 0 retries");
		return 0;
	}

	/**
	 * Set when a record is due for redelivery.
	 * @param headers the headers of the forwarded record
	 * @param dueTime epoch milliseconds
	 */
	public static void setDueTime(Headers headers, long dueTime) {
		headers.remove(ReliableHeaders.DUE_TIME);
		put(headers, ReliableHeaders.DUE_TIME, Long.toString(dueTime));
	}

	/**
	 * Return when a record is due for redelivery.
	 * @param record the record, from a delay tier
	 * @return epoch milliseconds, or {@code null} if the record carries no due time
	 */
	public static @Nullable Long dueTime(ConsumerRecord<?, ?> record) {
		String carried = text(record.headers(), ReliableHeaders.DUE_TIME);
		return (carried != null) ? Long.valueOf(carried.trim()) : null;
	}

	/**
	 * Return a header's value as text.
	 * @param headers the headers
	 * @param key the header name
	 * @return the last value of the header, or {@code null} if absent
	 */
	public static @Nullable String text(Headers headers, String key) {
		Header header = headers.lastHeader(key);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8)
				: null;
	}

	/**
	 * Return the exception the listener itself threw, without Spring Kafka's wrappers.
	 * @param failure the exception handed to the error handler
	 * @return the listener's exception
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		try {
			while (cause instanceof ListenerExecutionFailedException && cause.getCause() != null) {
				cause = cause.getCause();
			}
		}
		catch (RuntimeException ex) {
			// a cause that cannot be read: keep the last exception that could
		}
		return cause;
	}

	private static void keepOrPut(Headers target, Headers source, String key, String value) {
		String carried = text(source, key);
		put(target, key, (carried != null) ? carried : value);
	}

	private static void put(Headers headers, String key, String value) {
		headers.add(key, value.getBytes(StandardCharsets.UTF_8));
	}

}
