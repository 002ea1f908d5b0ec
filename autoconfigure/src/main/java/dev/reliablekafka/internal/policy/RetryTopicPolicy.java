package dev.reliablekafka.internal.policy;

import java.util.List;

/**
 * Resolved RETRY_TOPIC settings of one listener: where its failed records wait and where they come back.
 *
 * @param retryTopic the group's retry topic, which the listener consumes besides its source topics
 * @param levels the delay levels, shortest first, each with its delay tier topic
 * @param firstDelayLevel level, counted from 1, of the first retry
 * @param maxReconsumeTimes retries before the dead-letter topic
 */
public record RetryTopicPolicy(String retryTopic, List<DelayLevel> levels, int firstDelayLevel,
		int maxReconsumeTimes) {

	/**
	 * Return the level of a retry: retry n waits at level {@code firstDelayLevel + n - 1}, or at the last level
	 * once the list is used up, as RocketMQ does.
	 * @param retry the retry number, from 1
	 * @return its level
	 */
	public DelayLevel levelOfRetry(int retry) {
		int index = Math.min(this.firstDelayLevel - 1 + retry - 1, this.levels.size() - 1);
		return this.levels.get(index);
	}

	/**
	 * Return whether a record retried this many times goes to the dead-letter topic at its next failure.
	 * @param reconsumeCount retries so far
	 * @return true when no retry is left
	 */
	public boolean isExhausted(int reconsumeCount) {
		return reconsumeCount >= this.maxReconsumeTimes;
	}

	/**
	 * Return the levels that some retry of this listener can reach.
	 * @return the levels, without repeats
	 */
	public List<DelayLevel> reachableLevels() {
		return java.util.stream.IntStream.rangeClosed(1, this.maxReconsumeTimes)
			.mapToObj(this::levelOfRetry)
			.distinct()
			.toList();
	}

}
