package dev.reliablekafka;

/**
 * Names of the headers Reliable Kafka adds to a record it forwards. Values are UTF-8 text (numbers in decimal,
 * times in epoch milliseconds) so that any Kafka tool can read them. A listener method can read them with
 * {@code @Header}, for example to make itself idempotent with {@link #MESSAGE_ID}.
 */
public final class ReliableHeaders {

	/** Prefix of every header written by Reliable Kafka. */
	public static final String PREFIX = "reliable-";

	/**
	 * Identity of the record, the same on every redelivery and in the dead-letter topic:
	 * {@code <topic>-<partition>-<offset>} of its first delivery.
	 */
	public static final String MESSAGE_ID = PREFIX + "message-id";

	/**
	 * Message id that a record carried when it reached a listener from elsewhere than its group's retry topic,
	 * for example replayed from a dead-letter topic into its source topic. Such a record starts afresh with a new
	 * {@link #MESSAGE_ID} and all its retries; this header links it to its earlier life.
	 */
	public static final String ORIGINAL_MESSAGE_ID = PREFIX + "original-message-id";

	/** How many times the record has been retried after its first delivery. */
	public static final String RECONSUME_COUNT = PREFIX + "reconsume-count";

	/** Topic the record was first consumed from. */
	public static final String ORIGINAL_TOPIC = PREFIX + "original-topic";

	/** Partition the record was first consumed from. */
	public static final String ORIGINAL_PARTITION = PREFIX + "original-partition";

	/** Offset the record had in its original topic. */
	public static final String ORIGINAL_OFFSET = PREFIX + "original-offset";

	/** Timestamp the record had in its original topic. */
	public static final String ORIGINAL_TIMESTAMP = PREFIX + "original-timestamp";

	/** Consumer group whose listener failed to process the record. */
	public static final String GROUP = PREFIX + "group";

	/** When processing the record failed for the first time. */
	public static final String FIRST_FAILURE_TIME = PREFIX + "first-failure-time";

	/** When the record is due for redelivery (retry topic only). */
	public static final String DUE_TIME = PREFIX + "due-time";

	/**
	 * The delay of the level a record waits at, in milliseconds (delay tier and retry topic only). On a tier whose
	 * timestamps are the broker's append times, the record is due at its append time plus this delay.
	 */
	public static final String DELAY = PREFIX + "delay";

	/**
	 * Why a delay tier record could never be handed to its group's retry topic and was moved to a dead-letter or
	 * parking topic instead.
	 */
	public static final String PARKED_REASON = PREFIX + "parked-reason";

	/**
	 * How many times the record was moved out of a dead-letter topic by a redrive ({@code DeadLetters}). It stays
	 * with the record when it fails again and is dead-lettered again, so that a redrive can refuse a record that
	 * keeps coming back (the loop guard, {@code reliable.kafka.redrive.max-redrives}).
	 */
	public static final String REDRIVE_COUNT = PREFIX + "redrive-count";

	/** Class of the exception of the last failure. */
	public static final String EXCEPTION_CLASS = PREFIX + "exception-class";

	/**
	 * Message of the exception of the last failure, capped at {@value #EXCEPTION_MESSAGE_LIMIT} characters; at
	 * {@value #EXCEPTION_MESSAGE_BRIEF_LIMIT} when the record was forwarded without its stack trace.
	 */
	public static final String EXCEPTION_MESSAGE = PREFIX + "exception-message";

	/**
	 * Stack trace of the exception of the last failure, capped at {@value #STACKTRACE_LIMIT} characters. Absent
	 * when the broker refused the record as too large with it: the record is then forwarded without it.
	 */
	public static final String EXCEPTION_STACKTRACE = PREFIX + "exception-stacktrace";

	/**
	 * Longest stack trace written to {@link #EXCEPTION_STACKTRACE}; a longer one is cut and ends with
	 * {@code ...[cut]}.
	 */
	public static final int STACKTRACE_LIMIT = 8192;

	/** Longest message written to {@link #EXCEPTION_MESSAGE}; a longer one is cut and ends with {@code ...[cut]}. */
	public static final int EXCEPTION_MESSAGE_LIMIT = 4096;

	/**
	 * Longest message written to {@link #EXCEPTION_MESSAGE} when the record, refused by the broker as too large,
	 * is forwarded again without its stack trace.
	 */
	public static final int EXCEPTION_MESSAGE_BRIEF_LIMIT = 256;

	private ReliableHeaders() {
	}

}
