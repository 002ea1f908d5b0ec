package dev.reliablekafka.deadletter;

import java.util.concurrent.TimeUnit;

/**
 * Keeps a redrive at its rate: each record goes at least 1 / rate seconds after the one before, so that a pause
 * (waiting for a partition, a slow broker) is never made up by a burst above the rate.
 */
final class Pacer {

	private final long interval;

	private long next = Long.MIN_VALUE;

	Pacer(double rate) {
		this.interval = (long) (TimeUnit.SECONDS.toNanos(1) / rate);
	}

	/**
	 * Wait until the next record may go.
	 * @return false if the thread was interrupted while waiting
	 */
	boolean await() {
		long now = System.nanoTime();
		long wait = (this.next == Long.MIN_VALUE) ? 0 : this.next - now;
		if (wait > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		this.next = Math.max(now, now + wait) + this.interval;
		return true;
	}

}
