package dev.reliablekafka.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * Decides what a redrive does with one dead-letter record it has not handled before: leave it out (a filter),
 * refuse it (the loop guard, or no target it may go to), or move it, and where.
 */
final class RedriveTriage {

	private final RecordFilter filter;

	private final int maxRedrives;

	private final @Nullable RetryTopicTarget retryTopic;

	/**
	 * Create the triage of a redrive.
	 * @param request what to move
	 * @param maxRedrives redrives a record may have had before it is refused
	 * @param retryTopic the group's retry topic, or {@code null} to move records to their original topic
	 */
	RedriveTriage(RedriveRequest request, int maxRedrives, @Nullable RetryTopicTarget retryTopic) {
		this.filter = new RecordFilter(request.from(), request.to(), request.exception(), request.messageIds());
		this.maxRedrives = maxRedrives;
		this.retryTopic = retryTopic;
	}

	Verdict of(ConsumerRecord<byte[], byte[]> record) {
		if (!this.filter.matches(record)) {
			return new Verdict(Outcome.SKIP, null);
		}
		int redriveCount = RedriveCount.of(record);
		if (redriveCount >= this.maxRedrives) {
			return new Verdict(Outcome.REFUSE_FOR_GOOD, "redriven " + redriveCount + " times already (max-redrives "
					+ this.maxRedrives + ")");
		}
		String originalTopic = HeaderValues.text(record.headers(), ReliableHeaders.ORIGINAL_TOPIC);
		if (this.retryTopic != null) {
			return this.retryTopic.takes(originalTopic) ? new Verdict(Outcome.MOVE, this.retryTopic.topic())
					: new Verdict(Outcome.REFUSE, "dead-lettered by another listener of the group than the one "
							+ "consuming " + this.retryTopic.topic() + "; redrive it with target ORIGINAL");
		}
		return (originalTopic != null) ? new Verdict(Outcome.MOVE, originalTopic)
				: new Verdict(Outcome.REFUSE, "no " + ReliableHeaders.ORIGINAL_TOPIC + " header");
	}

	/**
	 * What to do with a record.
	 */
	enum Outcome {

		/** Left out by a filter: a later redrive may move it. */
		SKIP,

		/** Not moved by this redrive (the target cannot take it); another one may. */
		REFUSE,

		/** Not moved, and never will be: the loop guard. */
		REFUSE_FOR_GOOD,

		/** Moved to the detail's topic. */
		MOVE

	}

	/**
	 * A decision.
	 *
	 * @param outcome what to do
	 * @param detail the target topic of a move, or why a record is refused
	 */
	record Verdict(Outcome outcome, @Nullable String detail) {

	}

}
