package dev.reliablekafka.internal.policy;

import java.time.Duration;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Resolved in-place retry settings of one listener.
 *
 * @param initialInterval wait before the first retry
 * @param multiplier factor applied to the wait after each retry
 * @param maxInterval longest wait
 * @param jitter random spread of each wait
 * @param maxAttempts deliveries before dead-lettering, or {@link #UNLIMITED}
 */
public record BlockingPolicy(Duration initialInterval, double multiplier, Duration maxInterval, Duration jitter,
		int maxAttempts) {

	/**
	 * Value of {@link #maxAttempts()} that retries until the record succeeds.
	 */
	public static final int UNLIMITED = -1;

	/**
	 * Return whether a record that has failed this many times must stop being retried.
	 * @param failedAttempts deliveries that failed so far
	 * @return true when the attempts are finite and used up
	 */
	public boolean isExhausted(int failedAttempts) {
		return this.maxAttempts != UNLIMITED && failedAttempts >= this.maxAttempts;
	}

	/**
	 * Create the back-off; its executions never stop by themselves, {@link #isExhausted(int)} decides that.
	 * @return a new back-off
	 */
	public BackOff toBackOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(this.initialInterval.toMillis(), this.multiplier);
		backOff.setMaxInterval(this.maxInterval.toMillis());
		backOff.setJitter(this.jitter.toMillis());
		return backOff;
	}

}
