package dev.reliablekafka.retrytopic;

/**
 * The record at the head of a delay tier partition is not due yet. Thrown by the scheduler's listener so that the
 * partition is rewound and paused until the due time; carries no stack trace, as it is part of normal operation.
 */
public class NotDueYetException extends RuntimeException {

	private final long dueTime;

	/**
	 * Create the exception.
	 * @param dueTime when the record is due, in epoch milliseconds
	 */
	public NotDueYetException(long dueTime) {
		super("Not due until " + dueTime, null, false, false);
		this.dueTime = dueTime;
	}

	/**
	 * Return when the record is due.
	 * @return epoch milliseconds
	 */
	public long getDueTime() {
		return this.dueTime;
	}

}
