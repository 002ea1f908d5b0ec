package dev.reliablekafka.internal.policy;

import java.util.List;
import java.util.Map;

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
 * @param groupRetryTopic the group's retry topic, which this listener consumes and whose {@code reliable-*}
 * headers it believes: in RETRY_TOPIC mode always; in BLOCKING mode where the topic exists, since it may hold
 * records forwarded while the listener was RETRY_TOPIC; {@code null} when the listener must not consume it
 * @param origins where each resolved setting came from, keyed by its property name under
 * {@code reliable.kafka.defaults} (such as {@code mode} or {@code blocking.max-attempts}): {@code listeners.<id>},
 * {@code annotation}, {@code defaults} or {@code built-in}; for {@code not-retryable-exceptions}, which add up,
 * every source that contributed, comma-separated. Settings the mode does not use are absent, and so are the
 * {@code breaker.*} settings of a listener without a breaker.
 * @param breaker the outage breaker settings
 */
public record ListenerPolicy(String listenerId, String groupId, List<String> topics, ReliableMode mode,
		BlockingPolicy blocking, @Nullable String deadLetterTopic, @Nullable RetryTopicPolicy retryTopic,
		List<Class<? extends Throwable>> notRetryable, @Nullable String groupRetryTopic, Map<String, String> origins,
		BreakerPolicy breaker) {

	/**
	 * Create a policy without an outage breaker.
	 * @param listenerId the listener id
	 * @param groupId the consumer group
	 * @param topics the source topics
	 * @param mode the failure mode
	 * @param blocking the in-place retry settings
	 * @param deadLetterTopic the group's dead-letter topic, or {@code null} when dead-lettering is disabled
	 * @param retryTopic the retry topic settings, or {@code null} unless the mode is RETRY_TOPIC
	 * @param notRetryable exception types (built-in ones included) that are never retried
	 * @param groupRetryTopic the group's retry topic the listener consumes, or {@code null}
	 * @param origins where each resolved setting came from
	 */
	public ListenerPolicy(String listenerId, String groupId, List<String> topics, ReliableMode mode,
			BlockingPolicy blocking, @Nullable String deadLetterTopic, @Nullable RetryTopicPolicy retryTopic,
			List<Class<? extends Throwable>> notRetryable, @Nullable String groupRetryTopic,
			Map<String, String> origins) {
		this(listenerId, groupId, topics, mode, blocking, deadLetterTopic, retryTopic, notRetryable, groupRetryTopic,
				origins, BreakerPolicy.DISABLED);
	}

	/**
	 * Create a policy whose origins are unknown.
	 * @param listenerId the listener id
	 * @param groupId the consumer group
	 * @param topics the source topics
	 * @param mode the failure mode
	 * @param blocking the in-place retry settings
	 * @param deadLetterTopic the group's dead-letter topic, or {@code null} when dead-lettering is disabled
	 * @param retryTopic the retry topic settings, or {@code null} unless the mode is RETRY_TOPIC
	 * @param notRetryable exception types (built-in ones included) that are never retried
	 * @param groupRetryTopic the group's retry topic the listener consumes, or {@code null}
	 */
	public ListenerPolicy(String listenerId, String groupId, List<String> topics, ReliableMode mode,
			BlockingPolicy blocking, @Nullable String deadLetterTopic, @Nullable RetryTopicPolicy retryTopic,
			List<Class<? extends Throwable>> notRetryable, @Nullable String groupRetryTopic) {
		this(listenerId, groupId, topics, mode, blocking, deadLetterTopic, retryTopic, notRetryable, groupRetryTopic,
				Map.of());
	}

	/**
	 * Create a policy whose group retry topic is the one of its RETRY_TOPIC settings, if any.
	 * @param listenerId the listener id
	 * @param groupId the consumer group
	 * @param topics the source topics
	 * @param mode the failure mode
	 * @param blocking the in-place retry settings
	 * @param deadLetterTopic the group's dead-letter topic, or {@code null} when dead-lettering is disabled
	 * @param retryTopic the retry topic settings, or {@code null} unless the mode is RETRY_TOPIC
	 * @param notRetryable exception types (built-in ones included) that are never retried
	 */
	public ListenerPolicy(String listenerId, String groupId, List<String> topics, ReliableMode mode,
			BlockingPolicy blocking, @Nullable String deadLetterTopic, @Nullable RetryTopicPolicy retryTopic,
			List<Class<? extends Throwable>> notRetryable) {
		this(listenerId, groupId, topics, mode, blocking, deadLetterTopic, retryTopic, notRetryable,
				(retryTopic != null) ? retryTopic.retryTopic() : null, Map.of());
	}

	/**
	 * Return this policy without a group retry topic to consume, for a BLOCKING listener that shares its group.
	 * @return the policy without it
	 */
	public ListenerPolicy withoutGroupRetryTopic() {
		return new ListenerPolicy(this.listenerId, this.groupId, this.topics, this.mode, this.blocking,
				this.deadLetterTopic, this.retryTopic, this.notRetryable, null, this.origins, this.breaker);
	}

	/**
	 * Return whether records that cannot be processed go to a dead-letter topic.
	 * @return true unless dead-lettering is disabled
	 */
	public boolean deadLetterEnabled() {
		return this.deadLetterTopic != null;
	}

}
