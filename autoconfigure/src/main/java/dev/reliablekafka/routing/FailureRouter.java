package dev.reliablekafka.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.ExceptionMatcher;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.blocking.InPlaceRetries;
import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.policy.BlockingPolicy;
import dev.reliablekafka.policy.DelayLevel;
import dev.reliablekafka.policy.ListenerPolicy;
import dev.reliablekafka.policy.RetryTopicPolicy;

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
 * transactions are on); until then the record, and everything behind it in its partition, stays in place. When
 * a forward fails, the record is retried in place instead: it is never skipped.
 */
public class FailureRouter implements CommonErrorHandler {

	private static final LogAccessor logger = new LogAccessor(FailureRouter.class);

	private final ListenerPolicy policy;

	private final ExceptionMatcher notRetryable;

	private final RecordForwarder forwarder;

	private final InPlaceRetries retries;

	private final PartitionBackOff partitionBackOff;

	// Per consumer thread: the consumers of a concurrent container share the router.
	private final ThreadLocal<Boolean> forwardingFailed = ThreadLocal.withInitial(() -> false);

	/**
	 * Create the router of one listener.
	 * @param policy the listener's policy
	 * @param forwarder sends records to the dead-letter topic
	 * @param partitionBackOff makes a partition wait
	 */
	public FailureRouter(ListenerPolicy policy, RecordForwarder forwarder, PartitionBackOff partitionBackOff) {
		this.policy = policy;
		this.notRetryable = ExceptionMatcher.forAllowList().addAll(policy.notRetryable()).build();
		this.notRetryable.setTraverseCauses(true);
		this.forwarder = forwarder;
		this.retries = new InPlaceRetries(policy.blocking().toBackOff());
		this.partitionBackOff = partitionBackOff;
	}

	/**
	 * Whether the container hands this router the failed record and the rest of the poll, to seek them back.
	 * BLOCKING needs that. RETRY_TOPIC does not while forwarding works: the forwarded record is committed and the
	 * rest of the poll flows on, which spares a seek and a fetch per failure; once a forward failed, the record
	 * has to stay in place, so seeking resumes until a forward succeeds again.
	 */
	@Override
	public boolean seeksAfterHandling() {
		return this.policy.retryTopic() == null || this.forwardingFailed.get();
	}

	/**
	 * Hand a failed RETRY_TOPIC record over while forwarding works.
	 * @return {@code true} when the record was forwarded, so that the container commits it and goes on;
	 * {@code false} when the forward failed: the container then delivers the record again at once, and this
	 * router keeps it in place from then on ({@link #seeksAfterHandling()})
	 */
	@Override
	public boolean handleOne(Exception thrown, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		InPlaceRetries.Failure failure = this.retries.failed(record);
		if (handOver(record, thrown, failure, consumer)) {
			this.retries.forget(record);
			return true;
		}
		return false;
	}

	@Override
	public void handleRemaining(Exception thrown, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		ConsumerRecord<?, ?> failed = records.get(0);
		InPlaceRetries.Failure failure = this.retries.failed(failed);
		if (handOver(failed, thrown, failure, consumer)) {
			this.retries.forget(failed);
			RecordSeeks.rewind(records.subList(1, records.size()), consumer);
			return; // the container now commits the forwarded record
		}
		retryInPlace(records, consumer, container, failure, thrown, !this.notRetryable.match(thrown));
	}

	/**
	 * Forward a failed record to where the policy sends it, if anywhere.
	 * @return whether the record was handed over, so that its offset may be committed
	 */
	private boolean handOver(ConsumerRecord<?, ?> failed, Exception thrown, InPlaceRetries.Failure failure,
			Consumer<?, ?> consumer) {
		boolean retryable = !this.notRetryable.match(thrown);
		RetryTopicPolicy retryTopic = this.policy.retryTopic();
		if (retryTopic == null) {
			boolean exhausted = this.policy.blocking().isExhausted(failure.failedAttempts());
			return (!retryable || exhausted) && this.policy.deadLetterEnabled() && deadLetter(failed, thrown,
					failure.failedAttempts() - 1, failure.firstFailureTime(),
					retryable ? failure.failedAttempts() + " attempts" : null, consumer);
		}
		int reconsumed = FailureHeaders.reconsumeCount(failed);
		boolean handedOver = (!retryable || retryTopic.isExhausted(reconsumed))
				? deadLetter(failed, thrown, reconsumed, System.currentTimeMillis(),
						retryable ? (reconsumed + 1) + " deliveries" : null, consumer)
				: sendToDelayTier(failed, thrown, retryTopic.levelOfRetry(reconsumed + 1), reconsumed + 1, consumer);
		this.forwardingFailed.set(!handedOver);
		return handedOver;
	}

	private boolean sendToDelayTier(ConsumerRecord<?, ?> record, Exception thrown, DelayLevel level, int retry,
			Consumer<?, ?> consumer) {
		long now = System.currentTimeMillis();
		Headers headers = FailureHeaders.forFailure(record, this.policy.groupId(), thrown, retry, now);
		FailureHeaders.setDueTime(headers, now + level.delay().toMillis());
		headers.add(ReliableHeaders.DELAY, Long.toString(level.delay().toMillis()).getBytes(StandardCharsets.UTF_8));
		if (!forward(record, level.topic(), headers, consumer)) {
			return false;
		}
		logger.info(() -> describe(record) + " failed (" + FailureHeaders.unwrap(thrown) + "); retry " + retry
				+ " of " + this.policy.retryTopic().maxReconsumeTimes() + " in " + level.delay() + " via "
				+ level.topic());
		return true;
	}

	/**
	 * Send a record to the dead-letter topic.
	 * @param firstFailureTime when the record first failed, unless it carries that time from an earlier hop
	 * @param exhaustedAfter how many attempts were used up, or {@code null} if the failure is not retryable
	 */
	private boolean deadLetter(ConsumerRecord<?, ?> record, Exception thrown, int reconsumeCount,
			long firstFailureTime, @Nullable String exhaustedAfter, Consumer<?, ?> consumer) {
		String topic = this.policy.deadLetterTopic();
		Headers headers = FailureHeaders.forFailure(record, this.policy.groupId(), thrown, reconsumeCount,
				firstFailureTime);
		if (!forward(record, topic, headers, consumer)) {
			return false;
		}
		String why = (exhaustedAfter != null) ? "after " + exhaustedAfter : "(not retryable)";
		logger.error(FailureHeaders.unwrap(thrown),
				() -> describe(record) + " failed " + why + " and was sent to " + topic);
		return true;
	}

	// With transactions on, the forward and the commit of the record's offset are one transaction.
	private boolean forward(ConsumerRecord<?, ?> record, String topic, Headers headers, Consumer<?, ?> consumer) {
		try {
			this.forwarder.forwardAndCommit(record, topic, headers, consumer.groupMetadata());
			return true;
		}
		catch (ForwardingFailedException ex) {
			logger.error(ex, () -> describe(record) + " could not be forwarded to " + topic
					+ "; it stays in place and is retried until the forward succeeds");
			return false;
		}
	}

	private void retryInPlace(List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			MessageListenerContainer container, InPlaceRetries.Failure failure, Exception thrown, boolean retryable) {
		ConsumerRecord<?, ?> failed = records.get(0);
		Duration wait = Duration.ofMillis(failure.nextBackOff());
		RecordSeeks.rewind(records, consumer);
		this.partitionBackOff.pause(container, new TopicPartition(failed.topic(), failed.partition()), wait);
		if (!retryable) {
			logger.error(FailureHeaders.unwrap(thrown), () -> describe(failed) + " is not retryable but "
					+ "dead-lettering is disabled: it blocks its partition, retried in " + wait);
		}
		else {
			logger.warn(() -> describe(failed) + " failed (attempt " + failure.failedAttempts() + " of "
					+ attempts() + ": " + FailureHeaders.unwrap(thrown) + "); retrying in " + wait
					+ " while its partition waits");
		}
		// Thrown so that the container does not commit the failed record; logged by the container at DEBUG.
		throw new KafkaException("Retrying " + KafkaUtils.format(failed) + " in place", KafkaException.Level.DEBUG,
				thrown);
	}

	private String attempts() {
		int max = this.policy.blocking().maxAttempts();
		return (max == BlockingPolicy.UNLIMITED) ? "unlimited" : Integer.toString(max);
	}

	private String describe(ConsumerRecord<?, ?> record) {
		return "Reliable listener '" + this.policy.listenerId() + "': record " + KafkaUtils.format(record);
	}

	@Override
	public void handleOtherException(Exception thrown, Consumer<?, ?> consumer, MessageListenerContainer container,
			boolean batchListener) {
		logger.error(thrown, () -> "Reliable listener '" + this.policy.listenerId() + "': consumer error");
	}

}
