package dev.reliablekafka.retrytopic;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.routing.FailureHeaders;
import dev.reliablekafka.routing.RecordSeeks;

/**
 * Makes a delay tier partition wait: when its head record is not due yet, until the due time; when the record
 * could not be handed to its retry topic, for a second before trying again. The record stays in Kafka meanwhile
 * (its offset is not committed) and nothing is held in memory.
 */
public class DueTimeErrorHandler implements CommonErrorHandler {

	private static final LogAccessor logger = new LogAccessor(DueTimeErrorHandler.class);

	static final Duration FORWARD_RETRY_INTERVAL = Duration.ofSeconds(1);

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
	public void handleRemaining(Exception thrown, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		ConsumerRecord<?, ?> head = records.get(0);
		Duration wait;
		if (FailureHeaders.unwrap(thrown) instanceof NotDueYetException notDue) {
			wait = Duration.ofMillis(Math.max(1, notDue.getDueTime() - System.currentTimeMillis()));
		}
		else {
			wait = FORWARD_RETRY_INTERVAL;
			logger.error(thrown, () -> "Could not hand " + KafkaUtils.format(head) + " to its retry topic; trying "
					+ "again in " + wait);
		}
		RecordSeeks.rewind(records, consumer);
		this.partitionBackOff.pause(container, new TopicPartition(head.topic(), head.partition()), wait);
		throw new KafkaException("Waiting for " + KafkaUtils.format(head), KafkaException.Level.DEBUG, thrown);
	}

	@Override
	public void handleOtherException(Exception thrown, Consumer<?, ?> consumer, MessageListenerContainer container,
			boolean batchListener) {
		logger.error(thrown, "Delay tier scheduler: consumer error");
	}

}
