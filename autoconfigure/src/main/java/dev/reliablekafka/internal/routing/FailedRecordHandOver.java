package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.ExceptionMatcher;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.blocking.InPlaceRetries;
import dev.reliablekafka.internal.metrics.DeadLetterReason;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;
import dev.reliablekafka.internal.support.DurationText;
import dev.reliablekafka.internal.support.FailureText;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * The failure router's hand-over of a failed record to where the listener's policy sends it: the delay tier of its
 * next retry (RETRY_TOPIC) or the dead-letter topic, through the consumer's commit gate, pipelined or awaited. It
 * remembers, per consumer thread, whether forwarding failed, so that the router keeps failed records in place until
 * a forward succeeds again, and which records a transaction refused as too large, to forward them without the
 * failure's stack trace when they come back. It logs under the failure router's category, the one users configure.
 */
final class FailedRecordHandOver {

	private static final LogAccessor logger = new LogAccessor(FailureRouter.class);

	private final ListenerPolicy policy;

	private final ExceptionMatcher notRetryable;

	private final HeaderTrust headerTrust;

	private final ReliableEvents events;

	private final FailureLog log;

	// Records whose forward in a transaction was refused as too large: forwarded without the stack trace next.
	private final TooLargeRecords tooLarge = new TooLargeRecords();

	// Per consumer thread: the consumers of a concurrent container share the router.
	private final ThreadLocal<Boolean> forwardingFailed = ThreadLocal.withInitial(() -> false);

	FailedRecordHandOver(ListenerPolicy policy, ExceptionMatcher notRetryable, ReliableEvents events,
			FailureLog log) {
		this.policy = policy;
		this.notRetryable = notRetryable;
		this.headerTrust = new HeaderTrust(policy);
		this.events = events;
		this.log = log;
	}

	/**
	 * Return whether the last hand-over on this consumer thread failed, so that failed records stay in place.
	 */
	boolean forwardingFailed() {
		return this.forwardingFailed.get();
	}

	/**
	 * Hand a failed record over; anything unexpected on the way counts as a failed forward, so that the record
	 * stays in place instead of escaping the router.
	 */
	boolean safeHandOver(ConsumerRecord<?, ?> failed, Exception thrown, InPlaceRetries.Failure failure,
			GatedHandOff handOffs, boolean pipelined) {
		try {
			return handOver(failed, thrown, failure, handOffs, pipelined);
		}
		catch (RuntimeException ex) {
			this.forwardingFailed.set(true);
			this.events.forwardFailed(this.policy);
			logger.error(FailureText.loggable(ex), () -> this.log.describe(failed) + " could not be handed over; it "
					+ "stays in place and is retried until the hand-over succeeds");
			return false;
		}
	}

	/**
	 * Forward a failed record to where the policy sends it, if anywhere.
	 * @param pipelined whether the forward may be sent without waiting, leaving it to the consumer's commit gate
	 * to hold the record's offset back until the broker acknowledged it
	 * @return whether the record was handed over (or sent on its way), so that its offset may be committed
	 */
	private boolean handOver(ConsumerRecord<?, ?> consumed, Exception thrown, InPlaceRetries.Failure failure,
			GatedHandOff handOffs, boolean pipelined) {
		if (handOffs.isRewoundBelow(consumed)) {
			// Its commit is held below a rewound record and it comes back with it: forwarded then, once.
			logger.debug(() -> this.log.describe(consumed) + " failed behind a rewound record; it is delivered again");
			return true;
		}
		// Reconsume count, message id and origin come from the record only where they were written for this group.
		ConsumerRecord<?, ?> failed = this.headerTrust.view(consumed);
		boolean retryable = !this.notRetryable.match(thrown);
		RetryTopicPolicy retryTopic = this.policy.retryTopic();
		if (retryTopic == null) {
			boolean exhausted = this.policy.blocking().isExhausted(failure.failedAttempts());
			return (!retryable || exhausted) && this.policy.deadLetterEnabled() && deadLetter(failed, thrown,
					failure.failedAttempts() - 1, failure.firstFailureTime(),
					retryable ? failure.failedAttempts() + " attempts" : null, handOffs, pipelined);
		}
		int reconsumed = HeaderValues.reconsumeCount(failed);
		boolean handedOver = (!retryable || retryTopic.isExhausted(reconsumed))
				? deadLetter(failed, thrown, reconsumed, System.currentTimeMillis(),
						retryable ? (reconsumed + 1) + " deliveries" : null, handOffs, pipelined)
				: sendToDelayTier(failed, thrown, retryTopic.levelOfRetry(reconsumed + 1), reconsumed + 1, handOffs,
						pipelined);
		this.forwardingFailed.set(!handedOver);
		return handedOver;
	}

	private boolean sendToDelayTier(ConsumerRecord<?, ?> record, Exception thrown, DelayLevel level, int retry,
			GatedHandOff handOffs, boolean pipelined) {
		long now = System.currentTimeMillis();
		Headers headers = HeaderValues.forFailure(record, this.policy.groupId(), thrown, retry, now);
		HeaderValues.setDueTime(headers, now + level.delay().toMillis());
		headers.add(ReliableHeaders.DELAY, Long.toString(level.delay().toMillis()).getBytes(StandardCharsets.UTF_8));
		return forward(record, level.topic(), headers, handOffs, pipelined, () -> {
			this.events.forwardedToLevel(this.policy, level);
			logger.info(() -> this.log.describe(record) + " failed ("
					+ FailureText.summary(HeaderValues.unwrap(thrown)) + "); retry " + retry + " of "
					+ this.policy.retryTopic().maxReconsumeTimes() + " in " + DurationText.of(level.delay()) + " via "
					+ level.topic());
		});
	}

	/**
	 * Send a record to the dead-letter topic.
	 * @param firstFailureTime when the record first failed, unless it carries that time from an earlier hop
	 * @param exhaustedAfter how many attempts were used up, or {@code null} if the failure is not retryable
	 */
	private boolean deadLetter(ConsumerRecord<?, ?> record, Exception thrown, int reconsumeCount,
			long firstFailureTime, @Nullable String exhaustedAfter, GatedHandOff handOffs, boolean pipelined) {
		String topic = this.policy.deadLetterTopic();
		Headers headers = HeaderValues.forFailure(record, this.policy.groupId(), thrown, reconsumeCount,
				firstFailureTime);
		String why = (exhaustedAfter != null) ? "after " + exhaustedAfter : "(not retryable)";
		DeadLetterReason reason = DeadLetterReason.of(thrown, exhaustedAfter != null);
		return forward(record, topic, headers, handOffs, pipelined, () -> {
			this.events.deadLettered(this.policy, reason);
			if (this.policy.retryTopic() == null) {
				this.events.inPlaceAttempts(this.policy, reconsumeCount + 1);
			}
			logger.error(FailureText.loggable(HeaderValues.unwrap(thrown)),
					() -> this.log.describe(record) + " failed " + why + " and was sent to " + topic);
		});
	}

	/**
	 * Forward a record through its consumer's commit gate, which holds the record's offset back until the broker
	 * acknowledged the forward and, with transactions on, commits the forward with the offsets of the poll.
	 * Pipelined, the record is sent without waiting; otherwise (a record retried in place, whose back-off depends on
	 * the outcome) the acknowledgement is awaited here.
	 * @param handedOver what to do once the broker acknowledged the forward
	 * @return whether the record was forwarded or, pipelined, sent on its way
	 */
	private boolean forward(ConsumerRecord<?, ?> record, String topic, Headers headers, GatedHandOff handOffs,
			boolean pipelined, Runnable handedOver) {
		try {
			PipelinedForward forward = handOffs.forward(record, topic, headers, this.tooLarge.remove(record), true,
					outcomes(handedOver));
			if (pipelined) {
				handOffs.register(forward, record);
				return true;
			}
			return handOffs.registerAndAwait(forward, record);
		}
		catch (RuntimeException ex) {
			this.log.forwardFailed(record, topic, ex);
			return false;
		}
	}

	/**
	 * What happens once a pipelined forward is resolved; runs on the consumer's thread, when a commit needs it.
	 * A failed forward makes the router keep failed records in place until a forward succeeds again.
	 */
	private PipelinedForward.Outcomes outcomes(Runnable handedOver) {
		return new PipelinedForward.Outcomes() {

			@Override
			public void acknowledged(ConsumerRecord<?, ?> record, String topic, boolean brief) {
				if (brief) {
					FailedRecordHandOver.this.log.forwardedBrief(record, topic);
				}
				handedOver.run();
			}

			@Override
			public void failed(ConsumerRecord<?, ?> record, String topic, boolean brief, Throwable cause) {
				FailedRecordHandOver.this.forwardingFailed.set(true);
				if (!brief && FailureText.causedBy(cause, RecordTooLargeException.class)) {
					// Refused in a transaction, which it failed: sent without the stack trace when it comes back.
					FailedRecordHandOver.this.tooLarge.add(record);
					FailedRecordHandOver.this.log.forwardedTooLarge(record, topic);
				}
				else if (brief) {
					FailedRecordHandOver.this.log.tooLarge(record, topic, cause);
				}
				else {
					FailedRecordHandOver.this.log.forwardFailed(record, topic, cause);
				}
			}

		};
	}

}
