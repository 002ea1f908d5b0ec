package dev.reliablekafka.deadletter;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A group's retry topic as the target of a redrive.
 *
 * @param topic the retry topic
 * @param sources the source topics of the listener that consumes it, when the group has other listeners whose
 * records must not reach its method; {@code null} when it is the group's only listener
 */
record RetryTopicTarget(String topic, @Nullable Set<String> sources) {

	/**
	 * Return whether a record first consumed from a topic may go to the retry topic.
	 * @param originalTopic its {@code reliable-original-topic}, or {@code null}
	 * @return true when the listener consuming the retry topic is the one that dead-lettered it
	 */
	boolean takes(@Nullable String originalTopic) {
		return this.sources == null || this.sources.contains(originalTopic);
	}

}
