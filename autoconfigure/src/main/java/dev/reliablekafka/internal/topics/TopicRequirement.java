package dev.reliablekafka.internal.topics;

import java.time.Duration;

/**
 * A topic Reliable Kafka forwards to, with what it must be able to hold: its kind and the longest delay of the
 * records that wait in it. The retention a topic needs follows from that delay, so that no record is deleted
 * before it is handed over.
 *
 * @param name the topic
 * @param kind what it holds
 * @param longestDelay the longest delay level of its records; zero for a dead-letter topic
 */
public record TopicRequirement(String name, Kind kind, Duration longestDelay) {

	/**
	 * Kafka's own default retention (the broker's {@code log.retention.hours} of 168): never less than that for a
	 * created tier or retry topic, so that a short level still survives an outage of ordinary length.
	 */
	static final Duration RETENTION_FLOOR = Duration.ofDays(7);

	/**
	 * Return the requirement of a dead-letter topic, which keeps the retention the broker or the application
	 * gives it.
	 * @param name the topic
	 * @return the requirement
	 */
	public static TopicRequirement deadLetter(String name) {
		return new TopicRequirement(name, Kind.DEAD_LETTER, Duration.ZERO);
	}

	/**
	 * Return the requirement of a group's retry topic.
	 * @param name the topic
	 * @param longestDelay the longest delay level the group's records can reach
	 * @return the requirement
	 */
	public static TopicRequirement retry(String name, Duration longestDelay) {
		return new TopicRequirement(name, Kind.RETRY, longestDelay);
	}

	/**
	 * Return the requirement of a delay tier.
	 * @param name the topic
	 * @param delay the delay of its level
	 * @return the requirement
	 */
	public static TopicRequirement delayTier(String name, Duration delay) {
		return new TopicRequirement(name, Kind.DELAY_TIER, delay);
	}

	/**
	 * Return the retention below which records may be deleted before they are handed over: twice the longest
	 * delay, so that the scheduler or the group, after being down or behind, has as long again as the delay to
	 * catch up. Kafka deletes a whole segment once its newest record is older than the retention, so a record
	 * lives at least that long.
	 * @return the retention needed; zero when any will do
	 */
	Duration neededRetention() {
		return this.longestDelay.multipliedBy(2);
	}

	/**
	 * Return the retention a created topic gets: what it needs, and at least Kafka's default of 7 days.
	 * @return the retention
	 */
	Duration retentionToCreate() {
		Duration needed = neededRetention();
		return (needed.compareTo(RETENTION_FLOOR) > 0) ? needed : RETENTION_FLOOR;
	}

	/**
	 * Combine two requirements of the same topic (a delay tier shared by several listeners): the longer delay.
	 * @param other the other requirement
	 * @return the combined requirement
	 */
	TopicRequirement and(TopicRequirement other) {
		return (other.longestDelay.compareTo(this.longestDelay) > 0)
				? new TopicRequirement(this.name, this.kind, other.longestDelay) : this;
	}

	/**
	 * What a topic holds.
	 */
	public enum Kind {

		/** Records that will not be processed. */
		DEAD_LETTER,

		/** Records due for redelivery to a group. */
		RETRY,

		/** Records waiting for a delay level's delay. */
		DELAY_TIER

	}

}
