package dev.reliablekafka.internal.actuate;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What {@code GET /actuator/reliablekafka} shows: every reliable listener with its resolved policy, and the
 * redrive settings.
 *
 * @param listeners the reliable listeners, in declaration order
 * @param redrive the redrive settings
 */
public record ReliableKafkaOverview(List<Listener> listeners, Redrive redrive) {

	/**
	 * One reliable listener.
	 *
	 * @param id the listener id
	 * @param group its consumer group
	 * @param mode {@code BLOCKING} or {@code RETRY_TOPIC}
	 * @param topics the topics it reads and writes
	 * @param policy its resolved settings
	 * @param origins where each setting of {@code policy} came from, keyed by its property path under
	 * {@code reliable.kafka.listeners.<id>} (e.g. {@code blocking.max-attempts}): {@code listeners.<id>},
	 * {@code annotation}, {@code defaults} or {@code built-in}; empty when not known
	 * @param depths records waiting per topic of {@code topics}, keyed by topic name; empty when not known
	 */
	public record Listener(String id, String group, String mode, Topics topics, Policy policy,
			Map<String, String> origins, Map<String, Long> depths) {

	}

	/**
	 * The topics of a listener.
	 *
	 * @param source the topics it consumes for its records
	 * @param retry its group's retry topic, which it also consumes (a BLOCKING listener only where the topic exists),
	 * or {@code null}
	 * @param deadLetter its group's dead-letter topic, or {@code null} when dead-lettering is disabled
	 * @param delayTiers the delay tiers its retries can wait in (RETRY_TOPIC only)
	 */
	public record Topics(List<String> source, @Nullable String retry, @Nullable String deadLetter,
			List<String> delayTiers) {

	}

	/**
	 * The resolved settings of a listener, as the properties name them.
	 *
	 * @param blocking the in-place retry settings
	 * @param retryTopic the retry topic settings, or {@code null} unless the mode is RETRY_TOPIC
	 * @param deadLetterEnabled whether failed records go to the dead-letter topic
	 * @param notRetryableExceptions exception classes sent to the dead-letter topic at once
	 * @param breaker the outage breaker settings
	 */
	public record Policy(Blocking blocking, @Nullable RetryTopic retryTopic, boolean deadLetterEnabled,
			List<String> notRetryableExceptions, Breaker breaker) {

	}

	/**
	 * Outage breaker settings.
	 *
	 * @param enabled whether the listener has a breaker
	 * @param window latest outcomes it looks at
	 * @param failureRate share of failures that opens it
	 * @param minFailures failures in the window it needs to open
	 * @param firstWait wait before the first try, e.g. {@code 5s}
	 * @param waitMultiplier factor applied to the wait after each failed try
	 * @param maxWait longest wait
	 * @param outageExceptions exception classes that count twice
	 */
	public record Breaker(boolean enabled, int window, double failureRate, int minFailures, String firstWait,
			double waitMultiplier, String maxWait, List<String> outageExceptions) {

	}

	/**
	 * In-place retry settings.
	 *
	 * @param initialInterval wait before the first retry, e.g. {@code 1s}
	 * @param multiplier factor applied to the wait after each retry
	 * @param maxInterval longest wait
	 * @param jitter random spread of each wait
	 * @param maxAttempts deliveries before the dead-letter topic, -1 for unlimited
	 */
	public record Blocking(String initialInterval, double multiplier, String maxInterval, String jitter,
			int maxAttempts) {

	}

	/**
	 * RETRY_TOPIC settings.
	 *
	 * @param delayLevels the delays, shortest first, e.g. {@code 10s}
	 * @param firstDelayLevel level of the first retry, counted from 1
	 * @param maxReconsumeTimes retries before the dead-letter topic
	 */
	public record RetryTopic(List<String> delayLevels, int firstDelayLevel, int maxReconsumeTimes) {

	}

	/**
	 * Redrive settings.
	 *
	 * @param enabled whether this endpoint may redrive records (dry runs are always answered)
	 * @param maxRedrives redrives a record may have had before it is refused
	 * @param rate records per second a redrive moves at most by default
	 */
	public record Redrive(boolean enabled, int maxRedrives, double rate) {

	}

}
