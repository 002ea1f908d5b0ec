package dev.reliablekafka.internal.container;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.SeekUtils;

/**
 * Rewinds a consumer so that the next poll delivers the given records again.
 */
public final class RecordSeeks {

	private static final LogAccessor logger = new LogAccessor(RecordSeeks.class);

	private RecordSeeks() {
	}

	/**
	 * Seek each partition of the records back to its first record.
	 * @param records unprocessed records of the last poll, in order
	 * @param consumer the consumer, on its own thread
	 */
	public static void rewind(List<? extends ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer) {
		Map<TopicPartition, Long> positions = new LinkedHashMap<>();
		records.forEach(record -> positions.putIfAbsent(new TopicPartition(record.topic(), record.partition()),
				record.offset()));
		SeekUtils.seekPartitions(consumer, positions, logger);
	}

	/**
	 * Seek the partition of a record to the record after it, once the record has been handed over.
	 * @param record the record
	 * @param consumer the consumer, on its own thread
	 */
	public static void seekPast(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer) {
		SeekUtils.seekPartitions(consumer,
				Map.of(new TopicPartition(record.topic(), record.partition()), record.offset() + 1), logger);
	}

}
