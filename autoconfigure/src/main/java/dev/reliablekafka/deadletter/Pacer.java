package dev.reliablekafka.deadletter;

import java.util.concurrent.TimeUnit;

/**
 * Keeps a redrive at its rate: the n-th record (from 0) goes no earlier than n / rate seconds after the start, so
 * a pause (a slow broker, a rebalance) is not made up by a burst above the rate for longer than it lasted.
 */
final class Pacer {

	private final long start = System.nanoTime();

	private final double rate;

	Pacer(double rate) {
		this.rate = rate;
	}

	/**
	 * Wait until the next record may go.
	 * @param sent records sent so far
	 * @return false if the thread was interrupted while waiting
	 */
	boolean await(int sent) {
		long due = this.start + (long) (sent * TimeUnit.SECONDS.toNanos(1) / this.rate);
		long wait = due - System.nanoTime();
		if (wait > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

}
