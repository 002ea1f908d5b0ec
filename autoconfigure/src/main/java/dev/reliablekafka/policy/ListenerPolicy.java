package dev.reliablekafka.policy;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.reliablekafka.annotation.ReliableMode;

/**
 * Everything the failure router needs to know about one reliable listener, resolved once at start-up from the
 * annotation, {@code reliable.kafka.defaults} and {@code reliable.kafka.listeners.<id>}. Immutable.
 *
 * @param listenerId the listener id
 * @param groupId the consumer group
 * @param topics the source topics
 * @param mode the failure mode
 * @param blocking the in-place retry settings
 * @param deadLetterTopic the group's dead-letter topic, or {@code null} when dead-lettering is disabled
 * @param retryTopic the retry topic settings, or {@code null} unless the mode is RETRY_TOPIC
 * @param notRetryable exception types (built-in ones included) that are never retried
 */
public record ListenerPolicy(String listenerId, String groupId, List<String> topics, ReliableMode mode,
		BlockingPolicy blocking, @Nullable String deadLetterTopic, @Nullable RetryTopicPolicy retryTopic,
		List<Class<? extends Throwable>> notRetryable) {

	/**
	 * Return whether records that cannot be processed go to a dead-letter topic.
	 * @return true unless dead-lettering is disabled
	 */
	public boolean deadLetterEnabled() {
		return this.deadLetterTopic != null;
	}

}
