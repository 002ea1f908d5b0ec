package dev.reliablekafka.deadletter;

/**
 * Where a redrive writes the dead-letter records it moves.
 */
public enum RedriveTarget {

	/**
	 * The group's retry topic ({@code retry.<group>}): only the group's own listener gets the record again, with its
	 * message id and reconsume count; one that fails again goes back to the dead-letter topic at its next failure
	 * if its retries are used up.
	 */
	RETRY,

	/**
	 * The topic the record was first consumed from ({@code reliable-original-topic}): every group reading that
	 * topic gets it again, and the group's listener treats it as a new record with all its retries.
	 */
	ORIGINAL

}
