package dev.reliablekafka.internal.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The records, one per partition at most, whose forward in a transaction the broker refused as too large. The
 * refusal fails the transaction, so the brief form (without the failure's stack trace) cannot join it; it is
 * sent when the record is delivered again. Shared by the consumers of a container: each partition has one.
 */
final class TooLargeRecords {

	private final Map<TopicPartition, Long> offsets = new ConcurrentHashMap<>();

	void add(ConsumerRecord<?, ?> record) {
		this.offsets.put(partition(record), record.offset());
	}

	/**
	 * Forget a record.
	 * @return whether its last forward was refused as too large
	 */
	boolean remove(ConsumerRecord<?, ?> record) {
		return this.offsets.remove(partition(record), record.offset());
	}

	private static TopicPartition partition(ConsumerRecord<?, ?> record) {
		return new TopicPartition(record.topic(), record.partition());
	}

}
