package dev.reliablekafka.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Small reading helpers over an assigned consumer.
 */
final class Partitions {

	private static final Duration POLL = Duration.ofMillis(200);

	private static final Duration STALL = Duration.ofSeconds(30);

	private Partitions() {
	}

	/**
	 * Return the partitions of a topic.
	 * @param consumer the consumer
	 * @param topic the topic
	 * @return its partitions in order, empty if it does not exist
	 */
	static List<TopicPartition> of(Consumer<?, ?> consumer, String topic) {
		List<PartitionInfo> infos = consumer.partitionsFor(topic, STALL);
		if (infos == null) {
			return List.of();
		}
		return infos.stream()
			.map(info -> new TopicPartition(topic, info.partition()))
			.sorted(Comparator.comparingInt(TopicPartition::partition))
			.toList();
	}

	/**
	 * Read the records of a partition between two offsets.
	 * @param consumer the consumer
	 * @param partition the partition, which becomes the only one assigned
	 * @param from first offset
	 * @param to offset to stop before; at most the partition's last stable offset
	 * @return the records, in offset order
	 */
	static List<ConsumerRecord<byte[], byte[]>> read(Consumer<byte[], byte[]> consumer, TopicPartition partition,
			long from, long to) {
		consumer.assign(List.of(partition));
		consumer.seek(partition, from);
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		long deadline = System.nanoTime() + STALL.toNanos();
		while (consumer.position(partition) < to) {
			List<ConsumerRecord<byte[], byte[]>> polled = consumer.poll(POLL).records(partition);
			if (!polled.isEmpty()) {
				deadline = System.nanoTime() + STALL.toNanos();
			}
			else if (System.nanoTime() > deadline) {
				throw new TimeoutException("Reading " + partition + " from " + from + " to " + to
						+ " made no progress in " + STALL.toSeconds() + "s");
			}
			for (ConsumerRecord<byte[], byte[]> record : polled) {
				if (record.offset() < to) {
					records.add(record);
				}
			}
		}
		return records;
	}

}
