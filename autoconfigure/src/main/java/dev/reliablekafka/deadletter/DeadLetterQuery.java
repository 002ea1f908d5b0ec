package dev.reliablekafka.deadletter;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What to show of a dead-letter topic: the newest {@code limit} records, optionally only those dead-lettered
 * within a time window or failed with an exception class.
 *
 * @param limit how many records at most, from 1 to {@value #MAX_LIMIT}
 * @param from only records dead-lettered at or after this instant, or {@code null}
 * @param to only records dead-lettered at or before this instant, or {@code null}
 * @param exception only records whose {@code reliable-exception-class} is this class name, fully qualified or
 * simple, or {@code null}
 */
public record DeadLetterQuery(int limit, @Nullable Instant from, @Nullable Instant to, @Nullable String exception) {

	/** Most records one query returns. */
	public static final int MAX_LIMIT = 1000;

	/** Records returned when no limit is given. */
	public static final int DEFAULT_LIMIT = 20;

	/**
	 * Check the query.
	 * @throws InvalidDeadLetterRequestException when the limit is out of range or the window is empty
	 */
	public DeadLetterQuery {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidDeadLetterRequestException(
					"limit is " + limit + " but must be between 1 and " + MAX_LIMIT);
		}
		RecordFilter.checkWindow(from, to);
	}

	/**
	 * Return a query for the newest records.
	 * @param limit how many
	 * @return the query
	 */
	public static DeadLetterQuery newest(int limit) {
		return new DeadLetterQuery(limit, null, null, null);
	}

}
