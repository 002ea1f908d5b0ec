package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.LoggingCommitCallback;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.internal.support.FailureText;

/**
 * Commits the offset of a record the failure router handed over, where the container would not. With
 * {@link AckMode#MANUAL_IMMEDIATE} the container commits only what the listener acknowledged, so a forwarded or
 * dead-lettered record would stay uncommitted and be handed over again after the next rebalance; spring-kafka's
 * {@code DefaultErrorHandler} commits it for the same reason ({@code commitRecovered}). In every other ack mode
 * the container commits the record. The commit goes through the consumer's {@link CommitGate}, so it waits for
 * the forward and, with transactions on, commits the forward's transaction.
 */
final class HandOverCommits {

	private static final LogAccessor logger = new LogAccessor(HandOverCommits.class);

	private static final OffsetCommitCallback LOGGING_CALLBACK = new LoggingCommitCallback();

	private final String listenerId;

	HandOverCommits(String listenerId) {
		this.listenerId = listenerId;
	}

	/**
	 * Commit a handed-over record if nobody else will. Never throws: the record was handed over, so a failed
	 * commit can only cause a second hand-over, never a loss.
	 * @param record the record, handed over with the broker's acknowledgement
	 * @param consumer the consumer, on its own thread
	 * @param container the container, whose commit settings apply
	 */
	void handedOver(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, MessageListenerContainer container) {
		try {
			ContainerProperties properties = container.getContainerProperties();
			if (properties.getAckMode() != AckMode.MANUAL_IMMEDIATE) {
				return;
			}
			Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(
					new TopicPartition(record.topic(), record.partition()),
					ListenerUtils.createOffsetAndMetadata(container, record.offset() + 1));
			if (properties.isSyncCommits()) {
				Duration timeout = properties.getSyncCommitTimeout();
				if (timeout != null) {
					consumer.commitSync(offsets, timeout);
				}
				else {
					consumer.commitSync(offsets);
				}
			}
			else {
				OffsetCommitCallback callback = properties.getCommitCallback();
				consumer.commitAsync(offsets, (callback != null) ? callback : LOGGING_CALLBACK);
			}
		}
		catch (RuntimeException ex) {
			logger.warn(FailureText.loggable(ex), () -> "Reliable listener '" + this.listenerId + "': record "
					+ KafkaUtils.format(record) + " was handed over, but committing its offset failed ("
					+ FailureText.summary(ex) + "); it may be handed over a second time after a rebalance");
		}
	}

}
