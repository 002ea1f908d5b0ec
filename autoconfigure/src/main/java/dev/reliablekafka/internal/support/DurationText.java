package dev.reliablekafka.internal.support;

import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Writes durations as a user writes them in {@code application.yml} ({@code 5s}, {@code -1s}, {@code 500ms},
 * {@code 2m}), not as ISO-8601 ({@code PT5S}), in messages and logs.
 */
public final class DurationText {

	private DurationText() {
	}

	/**
	 * Write a duration in the largest unit that holds it exactly: days, hours, minutes, seconds or milliseconds.
	 * @param duration the duration
	 * @return e.g. {@code 5s}, {@code -1s}, {@code 1500ms}
	 */
	public static String of(Duration duration) {
		return write(duration, 0);
	}

	/**
	 * Write a delay as delay tier topic names hold it: as {@link #of(Duration)}, but never in days, so that the
	 * names of existing tiers stay as they are ({@code 200ms}, {@code 10s}, {@code 1m}, {@code 24h}).
	 * @param delay the delay
	 * @return its name
	 */
	public static String level(Duration delay) {
		return write(delay, 1);
	}

	private static String write(Duration duration, int largestUnit) {
		long millis = duration.toMillis();
		if (millis == 0) {
			return duration.isZero() ? "0s" : duration.toNanos() + "ns";
		}
		long[] units = { 86_400_000, 3_600_000, 60_000, 1000 };
		String[] names = { "d", "h", "m", "s" };
		for (int i = largestUnit; i < units.length; i++) {
			if (millis % units[i] == 0) {
				return (millis / units[i]) + names[i];
			}
		}
		return millis + "ms";
	}

	/**
	 * Write a setting's value: durations as {@link #of(Duration)}, lists of them separated by a comma and a space,
	 * anything else as it prints itself.
	 * @param value the value
	 * @return its text
	 */
	public static String of(Object value) {
		if (value instanceof Duration duration) {
			return of(duration);
		}
		if (value instanceof Collection<?> values) {
			return values.stream().map(DurationText::of).collect(Collectors.joining(", "));
		}
		return String.valueOf(value);
	}

}
