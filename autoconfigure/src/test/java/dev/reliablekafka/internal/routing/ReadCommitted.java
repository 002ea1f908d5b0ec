package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.reliablekafka.test.KafkaTestClient;

import static org.awaitility.Awaitility.await;

/**
 * What a {@code read_committed} reader sees of a topic: the transactional tests' view of what was decided.
 */
final class ReadCommitted {

	private ReadCommitted() {
	}

	/**
	 * The last stable offset of a partition: where {@code read_committed} readers stop while a transaction is open.
	 * @param admin an admin client of the broker
	 * @param partition the partition
	 * @return the offset
	 * @throws Exception when the broker does not answer within 30 s
	 */
	static long lastStableOffset(Admin admin, TopicPartition partition) throws Exception {
		return admin
			.listOffsets(Map.of(partition, OffsetSpec.latest()),
					new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
			.partitionResult(partition)
			.get(30, TimeUnit.SECONDS)
			.offset();
	}

	/** Every record of a topic a {@code read_committed} consumer sees, up to the end. */
	static List<ConsumerRecord<byte[], byte[]>> readCommitted(KafkaTestClient kafka, String topic) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
						ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map(info -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
			});
		}
		return records;
	}

}
