package dev.reliablekafka.deadletter;

import java.time.Instant;
import java.util.Collection;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * The filters a browse or a redrive applies to dead-letter records: a time window on the record's timestamp
 * (when it was dead-lettered), an exception class and message ids. An absent filter matches every record.
 */
final class RecordFilter {

	private final @Nullable Instant from;

	private final @Nullable Instant to;

	private final @Nullable String exception;

	private final Set<String> messageIds;

	RecordFilter(@Nullable Instant from, @Nullable Instant to, @Nullable String exception,
			Collection<String> messageIds) {
		this.from = from;
		this.to = to;
		this.exception = (exception != null && !exception.isBlank()) ? exception.trim() : null;
		this.messageIds = Set.copyOf(messageIds);
	}

	static void checkWindow(@Nullable Instant from, @Nullable Instant to) {
		if (from != null && to != null && from.isAfter(to)) {
			throw new InvalidDeadLetterRequestException("from (" + from + ") is after to (" + to + ")");
		}
	}

	boolean matches(ConsumerRecord<byte[], byte[]> record) {
		if (this.from != null && record.timestamp() < this.from.toEpochMilli()) {
			return false;
		}
		if (this.to != null && record.timestamp() > this.to.toEpochMilli()) {
			return false;
		}
		if (this.exception != null && !exceptionMatches(HeaderValues.text(record.headers(),
				ReliableHeaders.EXCEPTION_CLASS))) {
			return false;
		}
		return this.messageIds.isEmpty()
				|| this.messageIds.contains(HeaderValues.text(record.headers(), ReliableHeaders.MESSAGE_ID));
	}

	// A simple name matches the class in any package, and a nested class by its own name.
	private boolean exceptionMatches(@Nullable String className) {
		if (className == null || this.exception == null) {
			return false;
		}
		return className.equals(this.exception) || className.endsWith("." + this.exception)
				|| className.endsWith("$" + this.exception);
	}

	@Override
	public String toString() {
		return "from=" + this.from + ", to=" + this.to + ", exception=" + this.exception + ", messageIds="
				+ this.messageIds;
	}

}
