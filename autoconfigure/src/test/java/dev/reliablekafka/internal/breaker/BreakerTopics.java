package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.reliablekafka.test.KafkaTestClient;

/**
 * Writes the orders of the breaker tests, and counts and reads what they find in the retry path and the dead-letter
 * topic.
 */
final class BreakerTopics {

	private BreakerTopics() {
	}

	/**
	 * Write orders {@code order-0} to {@code order-<n-1>}, key and value alike, spread over the partitions in turn.
	 * @param kafka the test client
	 * @param topic where to write
	 * @param partitions the topic's partitions
	 * @param orders how many
	 * @return the orders' keys
	 */
	static Set<String> sendOrders(KafkaTestClient kafka, String topic, int partitions, int orders) {
		Set<String> keys = new HashSet<>();
		for (int i = 0; i < orders; i++) {
			String key = "order-" + i;
			keys.add(key);
			kafka.send(topic, i % partitions, key, key);
		}
		return keys;
	}

	/** Records written to a topic so far, 0 when it does not exist. */
	static long count(KafkaTestClient kafka, String topic) {
		try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
			List<TopicPartition> partitions = partitions(consumer, topic);
			if (partitions.isEmpty()) {
				return 0;
			}
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
			return partitions.stream().mapToLong(partition -> ends.get(partition) - starts.get(partition)).sum();
		}
	}

	/** The values of every record in a topic. */
	static Set<String> values(KafkaTestClient kafka, String topic) {
		long expected = count(kafka, topic);
		Set<String> values = new HashSet<>();
		if (expected == 0) {
			return values;
		}
		try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
			List<TopicPartition> partitions = partitions(consumer, topic);
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			long read = 0;
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (read < expected && System.nanoTime() < deadline) {
				for (var record : consumer.poll(Duration.ofMillis(200))) {
					values.add(record.value());
					read++;
				}
			}
		}
		return values;
	}

	private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String topic) {
		var infos = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
		if (infos == null) {
			return new ArrayList<>();
		}
		return infos.stream()
			.map(info -> new TopicPartition(topic, info.partition()))
			.collect(Collectors.toList());
	}

	private static KafkaConsumer<String, String> consumer(KafkaTestClient kafka) {
		return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
				new StringDeserializer(), new StringDeserializer());
	}

}
