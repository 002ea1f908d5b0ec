package dev.reliablekafka.internal.policy;

import java.time.Duration;
import java.util.List;

/**
 * Resolved outage breaker settings of one listener: when most of its recent records fail with retryable
 * exceptions, the listener pauses instead of handing every record to its retry path or dead-letter topic.
 *
 * @param enabled whether the listener has a breaker
 * @param window how many of the latest outcomes (records processed or failed) are looked at
 * @param failureRate the share of failures in the window, in (0, 1], at or above which the breaker opens
 * @param minFailures the failures the window must hold before the breaker opens
 * @param firstWait how long the breaker stays open before it lets one record through
 * @param waitMultiplier factor applied to the wait each time that record fails again (at least 1)
 * @param maxWait longest wait
 * @param outageExceptions exception types that signal an outage: each such failure counts twice
 */
public record BreakerPolicy(boolean enabled, int window, double failureRate, int minFailures, Duration firstWait,
		double waitMultiplier, Duration maxWait, List<Class<? extends Throwable>> outageExceptions) {

	/** The built-in default: no breaker. */
	public static final BreakerPolicy DISABLED = new BreakerPolicy(false, 50, 0.8, 10, Duration.ofSeconds(5), 2.0,
			Duration.ofMinutes(1), List.of());

	/**
	 * Return the wait before the probe that follows this many failed probes.
	 * @param failedProbes probes that failed since the breaker opened
	 * @return the wait, at most {@link #maxWait()}
	 */
	public Duration waitAfter(int failedProbes) {
		double millis = this.firstWait.toMillis() * Math.pow(this.waitMultiplier, failedProbes);
		return Duration.ofMillis((long) Math.min(millis, this.maxWait.toMillis()));
	}

}
