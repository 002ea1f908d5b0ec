package dev.reliablekafka.policy;

import java.time.Duration;

/**
 * One delay level: how long a record waits, and the delay tier topic it waits in.
 *
 * @param delay the wait
 * @param topic the delay tier topic, shared by every group of the application
 */
public record DelayLevel(Duration delay, String topic) {

	/**
	 * Return the short name of a delay, as used in delay tier topic names: {@code 200ms}, {@code 10s},
	 * {@code 1m}, {@code 2h}.
	 * @param delay the delay
	 * @return its name
	 */
	public static String name(Duration delay) {
		long millis = delay.toMillis();
		if (millis % 3_600_000 == 0) {
			return (millis / 3_600_000) + "h";
		}
		if (millis % 60_000 == 0) {
			return (millis / 60_000) + "m";
		}
		if (millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		return millis + "ms";
	}

}
