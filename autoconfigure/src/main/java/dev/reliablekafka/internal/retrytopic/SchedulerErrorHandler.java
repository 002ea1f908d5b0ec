package dev.reliablekafka.internal.retrytopic;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.support.DurationText;

/**
 * Keeps the delay tier records of a poll in place when the scheduler's listener failed unexpectedly: every
 * partition of the poll is rewound to its first record and waits a while before it is tried again. Nothing is
 * committed, skipped or held in memory.
 */
public class SchedulerErrorHandler implements CommonErrorHandler {

	private static final LogAccessor logger = new LogAccessor(SchedulerErrorHandler.class);

	private final PartitionBackOff partitionBackOff;

	/**
	 * Create the handler.
	 * @param partitionBackOff holds the partitions of a failed poll back
	 */
	public SchedulerErrorHandler(PartitionBackOff partitionBackOff) {
		this.partitionBackOff = partitionBackOff;
	}

	@Override
	public boolean seeksAfterHandling() {
		return true;
	}

	@Override
	public boolean isAckAfterHandle() {
		return false;
	}

	@Override
	public void handleBatch(Exception thrown, ConsumerRecords<?, ?> data, Consumer<?, ?> consumer,
			MessageListenerContainer container, Runnable invokeListener) {
		logger.error(thrown, () -> "Delay tier scheduler: could not hand over the records of " + data.partitions()
				+ "; trying again in " + DurationText.of(SchedulerListener.FORWARD_RETRY_INTERVAL));
		this.partitionBackOff.holdBack(data, consumer, container, SchedulerListener.FORWARD_RETRY_INTERVAL);
	}

	@Override
	public void handleOtherException(Exception thrown, Consumer<?, ?> consumer, MessageListenerContainer container,
			boolean batchListener) {
		logger.error(thrown, "Delay tier scheduler: consumer error");
	}

}
