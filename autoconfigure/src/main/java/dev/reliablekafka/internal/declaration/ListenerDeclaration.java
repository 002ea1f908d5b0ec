package dev.reliablekafka.internal.declaration;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;

/**
 * What one {@link ReliableListener @ReliableListener} declares, with placeholders resolved. A {@code null} value
 * means the annotation leaves the setting to the properties or the built-in default.
 *
 * @param id the listener id
 * @param method where the annotation stands, as {@code SimpleClassName.method}, for error messages
 * @param topics the topics to consume
 * @param groupId the consumer group, or {@code null} to use {@code spring.kafka.consumer.group-id}
 * @param mode the failure mode, or {@code null} when the annotation leaves it to the properties
 * @param initialInterval first back-off interval
 * @param multiplier back-off multiplier
 * @param maxInterval back-off cap
 * @param jitter back-off jitter
 * @param maxAttempts deliveries before dead-lettering, {@code -1} for unlimited
 * @param delayLevels delay levels of RETRY_TOPIC mode
 * @param firstDelayLevel level of the first retry, from 1
 * @param maxReconsumeTimes retries before dead-lettering in RETRY_TOPIC mode
 * @param notRetryable exceptions that go to the dead-letter topic at once
 * @param breakerEnabled whether the listener has an outage breaker
 */
public record ListenerDeclaration(String id, String method, List<String> topics, @Nullable String groupId,
		@Nullable ReliableMode mode, @Nullable Duration initialInterval, @Nullable Double multiplier,
		@Nullable Duration maxInterval, @Nullable Duration jitter, @Nullable Integer maxAttempts,
		@Nullable List<Duration> delayLevels, @Nullable Integer firstDelayLevel, @Nullable Integer maxReconsumeTimes,
		List<Class<? extends Throwable>> notRetryable, @Nullable Boolean breakerEnabled) {

	/**
	 * Describe an attribute of this declaration for error messages.
	 * @param attribute the attribute name
	 * @return e.g. {@code @ReliableListener(maxAttempts) on OrderListener.onOrder}
	 */
	public String attribute(String attribute) {
		return "@ReliableListener(" + attribute + ") on " + this.method;
	}

}
