package dev.reliablekafka.routing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.SeekUtils;
import org.springframework.kafka.support.ExceptionMatcher;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.blocking.InPlaceRetries;
import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.policy.BlockingPolicy;
import dev.reliablekafka.policy.ListenerPolicy;

/**
 * Decides what happens to a record whose processing failed, by the listener's policy and the exception:
 * <ul>
 * <li>not retryable (a poison record, a not-retryable exception): to the dead-letter topic at once;</li>
 * <li>attempts used up: to the dead-letter topic;</li>
 * <li>otherwise: retried in place after the next back-off, with only its partition waiting.</li>
 * </ul>
 * The record's offset is committed only once it is dead-lettered and the broker acknowledged that; until then
 * the record, and everything behind it in its partition, stays in place. When the dead-letter topic cannot be
 * written, the record is retried in place instead: it is never skipped.
 */
public class FailureRouter implements CommonErrorHandler {

	private static final LogAccessor logger = new LogAccessor(FailureRouter.class);

	private final ListenerPolicy policy;

	private final ExceptionMatcher notRetryable;

	private final RecordForwarder forwarder;

	private final InPlaceRetries retries;

	private final PartitionBackOff partitionBackOff;

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

	@Override
	public boolean seeksAfterHandling() {
		return true;
	}

	@Override
	public void handleRemaining(Exception thrown, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		ConsumerRecord<?, ?> failed = records.get(0);
		InPlaceRetries.Failure failure = this.retries.failed(failed);
		boolean retryable = !this.notRetryable.match(thrown);
		boolean exhausted = this.policy.blocking().isExhausted(failure.failedAttempts());
		if ((!retryable || exhausted) && this.policy.deadLetterEnabled()
				&& deadLetter(failed, thrown, failure, retryable)) {
			this.retries.forget(failed);
			seek(records.subList(1, records.size()), consumer);
			return; // the container now commits the dead-lettered record
		}
		retryInPlace(records, consumer, container, failure, thrown, retryable);
	}

	private boolean deadLetter(ConsumerRecord<?, ?> record, Exception thrown, InPlaceRetries.Failure failure,
			boolean retryable) {
		String topic = this.policy.deadLetterTopic();
		try {
			this.forwarder.forward(record, topic, FailureHeaders.forFailure(record, this.policy.groupId(), thrown,
					failure.failedAttempts() - 1, failure.firstFailureTime()));
		}
		catch (ForwardingFailedException ex) {
			logger.error(ex, () -> describe(record) + " could not be dead-lettered; it stays in place and is "
					+ "retried until the dead-letter topic accepts it");
			return false;
		}
		String why = retryable ? "after " + failure.failedAttempts() + " attempts" : "(not retryable)";
		logger.error(FailureHeaders.unwrap(thrown),
				() -> describe(record) + " failed " + why + " and was sent to " + topic);
		return true;
	}

	private void retryInPlace(List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			MessageListenerContainer container, InPlaceRetries.Failure failure, Exception thrown, boolean retryable) {
		ConsumerRecord<?, ?> failed = records.get(0);
		Duration wait = Duration.ofMillis(failure.nextBackOff());
		seek(records, consumer);
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

	private static void seek(List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer) {
		Map<TopicPartition, Long> positions = new LinkedHashMap<>();
		records.forEach(record -> positions.putIfAbsent(new TopicPartition(record.topic(), record.partition()),
				record.offset()));
		SeekUtils.seekPartitions(consumer, positions, logger);
	}

	@Override
	public void handleOtherException(Exception thrown, Consumer<?, ?> consumer, MessageListenerContainer container,
			boolean batchListener) {
		logger.error(thrown, () -> "Reliable listener '" + this.policy.listenerId() + "': consumer error");
	}

}
