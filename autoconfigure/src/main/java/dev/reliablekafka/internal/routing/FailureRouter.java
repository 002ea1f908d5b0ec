package dev.reliablekafka.internal.routing;

import java.util.Collection;
import java.util.List;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.ExceptionMatcher;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.internal.blocking.InPlaceRetries;
import dev.reliablekafka.internal.breaker.OutageBreaker;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.container.RecordSeeks;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.support.FailureText;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * Decides what happens to a record whose processing failed, by the listener's policy and the exception:
 * <ul>
 * <li>not retryable (a poison record, a not-retryable exception): to the dead-letter topic at once;</li>
 * <li>attempts or retries used up: to the dead-letter topic;</li>
 * <li>BLOCKING: retried in place after the next back-off, with only its partition waiting;</li>
 * <li>RETRY_TOPIC: forwarded to the delay tier of its next retry, from where the scheduler hands it to the
 * group's retry topic when it is due; the records behind it flow on.</li>
 * </ul>
 * The record's offset is committed only once the broker acknowledged the forward (in the same transaction when
 * transactions are on). While forwarding works, a RETRY_TOPIC listener's failed records are sent without waiting
 * and the listener moves on: the consumer's {@link CommitGate} holds each record's offset back until its forward is
 * acknowledged, and rewinds the partition to a record whose forward failed. When a forward fails, the record is
 * retried in place instead, each forward awaited, until one succeeds: it is never skipped. A forward the broker
 * refuses as too large is tried once more without the failure's stack trace; the key and value are never altered.
 * <p>
 * A failed commit ({@link CommitFailedException}, which spring-kafka hands over like a listener failure) is not a
 * processing failure: it counts no attempt and forwards nothing; the records are delivered again.
 * <p>
 * A listener with an {@link OutageBreaker} tells it every retryable failure first; while the breaker is open (or
 * this failure opened it), the record stays in place as after a failed forward, with no attempt counted, and the
 * breaker pauses the listener's partitions.
 * <p>
 * This class decides; {@link FailedRecordHandOver} forwards or dead-letters a record, {@link InPlaceRetry} keeps
 * one in place, and {@link FailureLog} reports how a forward went.
 */
public class FailureRouter implements CommonErrorHandler {

	private static final LogAccessor logger = new LogAccessor(FailureRouter.class);

	private final ListenerPolicy policy;

	private final ExceptionMatcher notRetryable;

	private final RecordForwarder forwarder;

	private final InPlaceRetries retries;

	private final FailureLog log;

	private final FailedRecordHandOver handOver;

	private final InPlaceRetry inPlace;

	private final HandOverCommits commits;

	private final @Nullable OutageBreaker breaker;

	/**
	 * Create the router of one listener.
	 * @param policy the listener's policy
	 * @param forwarder sends records to the dead-letter topic
	 * @param partitionBackOff makes a partition wait
	 */
	public FailureRouter(ListenerPolicy policy, RecordForwarder forwarder, PartitionBackOff partitionBackOff) {
		this(policy, forwarder, partitionBackOff, ReliableEvents.NONE);
	}

	/**
	 * Create the router of one listener that tells what it does with failed records.
	 * @param policy the listener's policy
	 * @param forwarder sends records to the dead-letter topic
	 * @param partitionBackOff makes a partition wait
	 * @param events told what happens to each failed record
	 */
	public FailureRouter(ListenerPolicy policy, RecordForwarder forwarder, PartitionBackOff partitionBackOff,
			ReliableEvents events) {
		this(policy, forwarder, partitionBackOff, events, null);
	}

	/**
	 * Create the router of one listener with an outage breaker.
	 * @param policy the listener's policy
	 * @param forwarder sends records to the dead-letter topic
	 * @param partitionBackOff makes a partition wait
	 * @param events told what happens to each failed record
	 * @param breaker the listener's outage breaker, or {@code null} if it has none
	 */
	public FailureRouter(ListenerPolicy policy, RecordForwarder forwarder, PartitionBackOff partitionBackOff,
			ReliableEvents events, @Nullable OutageBreaker breaker) {
		this.breaker = breaker;
		this.policy = policy;
		this.notRetryable = ExceptionMatcher.forAllowList().addAll(policy.notRetryable()).build();
		this.notRetryable.setTraverseCauses(true);
		this.forwarder = forwarder;
		// BLOCKING keeps its counts durably, so that max-attempts holds across restarts and rebalances.
		this.retries = new InPlaceRetries(policy.blocking().toBackOff(), policy.retryTopic() == null);
		this.log = new FailureLog(policy, events);
		this.handOver = new FailedRecordHandOver(policy, this.notRetryable, events, this.log);
		this.inPlace = new InPlaceRetry(policy, this.retries, partitionBackOff, events, this.log);
		this.commits = new HandOverCommits(policy.listenerId());
	}

	/**
	 * Return the in-place retries of this router, which know the attempt of a record being retried in place.
	 * @return the in-place retries
	 */
	public InPlaceRetries inPlaceRetries() {
		return this.retries;
	}

	/**
	 * Return the listener's outage breaker.
	 * @return the breaker, or {@code null} if it has none
	 */
	public @Nullable OutageBreaker breaker() {
		return this.breaker;
	}

	/**
	 * Whether the container hands this router the failed record and the rest of the poll, to seek them back.
	 * BLOCKING needs that. RETRY_TOPIC does not while forwarding works: the forwarded record is committed and the
	 * rest of the poll flows on, which spares a seek and a fetch per failure; once a forward failed, the record
	 * has to stay in place, so seeking resumes until a forward succeeds again.
	 */
	@Override
	public boolean seeksAfterHandling() {
		return this.policy.retryTopic() == null || this.handOver.forwardingFailed();
	}

	/**
	 * Hand a failed RETRY_TOPIC record over while forwarding works: sent without waiting where the consumer has a
	 * commit gate, which commits the record only once the broker acknowledged it (with transactions on, in the
	 * transaction of the forwards since the last commit).
	 * @return {@code true} when the record was forwarded or sent on its way, so that the container acknowledges
	 * it and goes on;
	 * {@code false} when the forward failed: the container then delivers the record again at once, and this
	 * router keeps it in place from then on ({@link #seeksAfterHandling()}); {@code false} too when a commit
	 * failed, so that the record is delivered again
	 */
	@Override
	public boolean handleOne(Exception thrown, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		ForwardGate gate = takeOver(consumer);
		if (isCommitFailure(thrown)) {
			commitFailed(thrown, record);
			return false; // the container keeps the record and those behind it, and delivers them again
		}
		GatedHandOff handOffs = GatedHandOff.of(consumer, gate, this.forwarder);
		// A record behind a rewound one comes back with it; the breaker hears of it then.
		if (this.breaker != null && !handOffs.isRewoundBelow(record) && keptByBreaker(record, thrown, container)) {
			return false; // the container keeps it with those behind it until its partition is resumed
		}
		InPlaceRetries.Failure failure = this.retries.failed(record);
		if (this.handOver.safeHandOver(record, thrown, failure, handOffs, true)) {
			this.retries.forget(record);
			this.commits.handedOver(record, consumer, container);
			return true;
		}
		return false;
	}

	@Override
	public void handleRemaining(Exception thrown, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		// Put the failed record and everything behind it back first, so that nothing below can skip one.
		RecordSeeks.rewind(records, consumer);
		ForwardGate gate = takeOver(consumer);
		ConsumerRecord<?, ?> failed = records.get(0);
		if (isCommitFailure(thrown)) {
			commitFailed(thrown, failed);
			if (!(thrown instanceof CommitFailedException)) {
				// The listener threw it: the container must not commit the record it failed on.
				throw new KafkaException("Redelivering " + KafkaUtils.format(failed) + " after a failed commit",
						KafkaException.Level.DEBUG, FailureText.loggable(thrown));
			}
			return;
		}
		if (keptByBreaker(failed, thrown, container)) {
			// Thrown so that the container does not commit the failed record; logged by the container at DEBUG.
			throw new KafkaException("Keeping " + KafkaUtils.format(failed) + " in place while the outage breaker is "
					+ "open", KafkaException.Level.DEBUG, FailureText.loggable(thrown));
		}
		InPlaceRetries.Failure failure = this.retries.failed(failed, consumer);
		// A consumer without a commit gate is a programming error, not a failed hand-off: thrown from here.
		if (this.handOver.safeHandOver(failed, thrown, failure, GatedHandOff.of(consumer, gate, this.forwarder),
				false)) {
			this.retries.forget(failed);
			RecordSeeks.seekPast(failed, consumer);
			this.commits.handedOver(failed, consumer, container);
			return; // the container now commits the forwarded record, unless the router just did
		}
		this.inPlace.retryInPlace(failed, consumer, container, failure, thrown, !this.notRetryable.match(thrown));
	}

	/**
	 * Tell the outage breaker of a retryable failure (not-retryable and poison records go to the dead-letter topic
	 * whatever it says).
	 * @return whether the breaker keeps the record in place
	 */
	private boolean keptByBreaker(ConsumerRecord<?, ?> record, Exception thrown, MessageListenerContainer container) {
		if (this.breaker == null || this.notRetryable.match(thrown)) {
			return false;
		}
		boolean kept = this.breaker.keepsInPlace(record, HeaderValues.unwrap(thrown), container);
		if (kept) {
			logger.debug(() -> this.log.describe(record) + " failed ("
					+ FailureText.summary(HeaderValues.unwrap(thrown))
					+ ") while the outage breaker is open; it stays in place");
		}
		return kept;
	}

	/**
	 * From here on the failed record is this router's: it keeps it in place or forwards it, and the commit gate
	 * holds commits back accordingly.
	 * @return the consumer's commit gate, through which the record is handed over, or {@code null} if it has none
	 */
	private static @Nullable ForwardGate takeOver(Consumer<?, ?> consumer) {
		ForwardGate gate = ForwardGate.of(consumer);
		if (gate != null) {
			gate.processed();
		}
		return gate;
	}

	/**
	 * Whether the container's or the listener's own commit failed: the exception itself, or the one the listener
	 * threw when its acknowledgement failed. A listener failure that merely has a commit failure among its causes
	 * (another consumer's) is a processing failure like any other.
	 */
	private static boolean isCommitFailure(Exception thrown) {
		return thrown instanceof CommitFailedException || HeaderValues.unwrap(thrown) instanceof CommitFailedException;
	}

	/**
	 * Tell a failed commit apart from a failed listener. spring-kafka hands a {@link CommitFailedException} to
	 * the error handler as it is: either committing a record the listener processed failed (record ack mode), or
	 * committing before records kept from an earlier poll did; wrapped when the listener's own acknowledgement
	 * failed. Either way the records are delivered again: one that was processed may be processed twice, which a
	 * rebalance would cause anyway, but none is lost, counted as an attempt or forwarded.
	 */
	private void commitFailed(Exception thrown, ConsumerRecord<?, ?> record) {
		logger.warn(() -> this.log.describe(record) + ": committing offsets failed (" + FailureText.summary(thrown)
				+ "), probably because the group rebalanced; this is no processing failure: the record and those "
				+ "behind it are delivered again");
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
			Runnable publishPause) {
		this.retries.forget(partitions);
		if (this.breaker != null) {
			this.breaker.assigned(partitions);
		}
	}

	@Override
	public void handleOtherException(Exception thrown, Consumer<?, ?> consumer, MessageListenerContainer container,
			boolean batchListener) {
		logger.error(FailureText.loggable(thrown), () -> "Reliable listener '" + this.policy.listenerId()
				+ "': consumer error (" + FailureText.summary(thrown) + ")");
	}

}
