package dev.reliablekafka.deadletter;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a redrive moves and how: records of the group's dead-letter topic that match every filter given, at most
 * {@code maxCount} of them, at most {@code rate} per second. A dry run (the default) only reports what it would
 * move.
 *
 * @param from only records dead-lettered at or after this instant, or {@code null}
 * @param to only records dead-lettered at or before this instant, or {@code null}
 * @param exception only records whose {@code reliable-exception-class} is this class name, fully qualified or
 * simple, or {@code null}
 * @param messageIds only records with one of these {@code reliable-message-id}s; empty for any
 * @param maxCount how many records to move at most, or {@code null} for every match
 * @param dryRun whether to only report what would be moved, without writing or remembering anything
 * @param rate records per second at most, or {@code null} for {@code reliable.kafka.redrive.rate}
 * @param target where to write them
 */
public record RedriveRequest(@Nullable Instant from, @Nullable Instant to, @Nullable String exception,
		List<String> messageIds, @Nullable Integer maxCount, boolean dryRun, @Nullable Double rate,
		RedriveTarget target) {

	/**
	 * Check the request.
	 * @throws InvalidDeadLetterRequestException when a value makes no sense
	 */
	public RedriveRequest {
		RecordFilter.checkWindow(from, to);
		if (maxCount != null && maxCount < 1) {
			throw new InvalidDeadLetterRequestException("maxCount is " + maxCount + " but must be at least 1");
		}
		if (rate != null && (!(rate > 0) || rate.isInfinite())) {
			throw new InvalidDeadLetterRequestException(
					"rate is " + rate + " but must be a positive number of records per second");
		}
		if (exception != null && exception.isBlank()) {
			exception = null;
		}
		messageIds = List.copyOf(messageIds);
	}

	/**
	 * Return a dry run of every dead-letter record of the group to its retry topic, to narrow down with the
	 * {@code with...} methods.
	 * @return the request
	 */
	public static RedriveRequest dryRunOfAll() {
		return new RedriveRequest(null, null, null, List.of(), null, true, null, RedriveTarget.RETRY);
	}

	/**
	 * Return this request as a dry run or a real one.
	 * @param dryRun whether to only report
	 * @return the new request
	 */
	public RedriveRequest withDryRun(boolean dryRun) {
		return new RedriveRequest(this.from, this.to, this.exception, this.messageIds, this.maxCount, dryRun,
				this.rate, this.target);
	}

	/**
	 * Return this request limited to a time window.
	 * @param from start, inclusive, or {@code null}
	 * @param to end, inclusive, or {@code null}
	 * @return the new request
	 */
	public RedriveRequest withWindow(@Nullable Instant from, @Nullable Instant to) {
		return new RedriveRequest(from, to, this.exception, this.messageIds, this.maxCount, this.dryRun, this.rate,
				this.target);
	}

	/**
	 * Return this request limited to an exception class.
	 * @param exception class name, fully qualified or simple
	 * @return the new request
	 */
	public RedriveRequest withException(@Nullable String exception) {
		return new RedriveRequest(this.from, this.to, exception, this.messageIds, this.maxCount, this.dryRun,
				this.rate, this.target);
	}

	/**
	 * Return this request limited to some message ids.
	 * @param messageIds the ids
	 * @return the new request
	 */
	public RedriveRequest withMessageIds(List<String> messageIds) {
		return new RedriveRequest(this.from, this.to, this.exception, messageIds, this.maxCount, this.dryRun,
				this.rate, this.target);
	}

	/**
	 * Return this request with a count limit.
	 * @param maxCount records to move at most
	 * @return the new request
	 */
	public RedriveRequest withMaxCount(@Nullable Integer maxCount) {
		return new RedriveRequest(this.from, this.to, this.exception, this.messageIds, maxCount, this.dryRun,
				this.rate, this.target);
	}

	/**
	 * Return this request with a rate limit.
	 * @param rate records per second at most
	 * @return the new request
	 */
	public RedriveRequest withRate(@Nullable Double rate) {
		return new RedriveRequest(this.from, this.to, this.exception, this.messageIds, this.maxCount, this.dryRun,
				rate, this.target);
	}

	/**
	 * Return this request with another target.
	 * @param target where to write
	 * @return the new request
	 */
	public RedriveRequest withTarget(RedriveTarget target) {
		return new RedriveRequest(this.from, this.to, this.exception, this.messageIds, this.maxCount, this.dryRun,
				this.rate, target);
	}

}
