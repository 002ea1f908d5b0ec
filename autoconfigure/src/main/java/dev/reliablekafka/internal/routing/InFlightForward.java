package dev.reliablekafka.internal.routing;

/**
 * A forward of a consumed record that was sent without waiting, so that the listener could move on. The offset
 * of the record may be committed only once the forward is {@link Outcome#ACKNOWLEDGED}.
 */
interface InFlightForward {

	/**
	 * Return the offset of the forwarded record in its partition.
	 * @return the offset
	 */
	long offset();

	/**
	 * Wait, on the consumer's thread, until the forward is resolved or the deadline has passed.
	 * @param deadlineNanos a {@link System#nanoTime()} after which to stop waiting
	 * @return the outcome; {@link Outcome#PENDING} when the deadline passed first
	 */
	Outcome await(long deadlineNanos);

	/**
	 * Report that the transaction the forward was sent in committed.
	 */
	void committed();

	/**
	 * Report that the forward was undone after all, with the transaction it was sent in.
	 * @param cause why the transaction did not commit
	 */
	void rolledBack(Throwable cause);

	/**
	 * What became of a forward.
	 */
	enum Outcome {

		/** The broker acknowledged the forward: the record was handed over. */
		ACKNOWLEDGED,

		/** The forward failed or timed out: the record must be delivered again. */
		FAILED,

		/** Not resolved yet. */
		PENDING

	}

}
