package dev.reliablekafka.retrytopic;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.blocking.PartitionBackOff;

/**
 * Keeps the delay tier records of a poll in place when the scheduler's listener failed unexpectedly: every
 * partition of the poll is rewound to its first record and waits a while before it is tried again. Nothing is
 * committed, skipped or held in memory.
 */
public class DueTimeErrorHandler implements CommonErrorHandler {

	private static final LogAccessor logger = new LogAccessor(DueTimeErrorHandler.class);

	private final PartitionBackOff partitionBackOff;

	/**
	 * Create the handler.
	 * @param partitionBackOff pauses and resumes partitions
	 */
	public DueTimeErrorHandler(PartitionBackOff partitionBackOff) {
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
		Map<TopicPartition, Long> firsts = new LinkedHashMap<>();
		for (ConsumerRecord<?, ?> record : data) {
			firsts.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
		}
		logger.error(thrown, () -> "Delay tier scheduler: could not hand over the records of " + firsts.keySet()
				+ "; trying again in " + DueRecordForwarder.FORWARD_RETRY_INTERVAL);
		firsts.forEach((partition, offset) -> {
			consumer.seek(partition, offset);
			this.partitionBackOff.pause(container, partition, DueRecordForwarder.FORWARD_RETRY_INTERVAL);
		});
	}

	@Override
	public void handleOtherException(Exception thrown, Consumer<?, ?> consumer, MessageListenerContainer container,
			boolean batchListener) {
		logger.error(thrown, "Delay tier scheduler: consumer error");
	}

}
