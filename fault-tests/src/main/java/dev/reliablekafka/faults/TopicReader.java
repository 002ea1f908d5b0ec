package dev.reliablekafka.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.jspecify.annotations.Nullable;

import dev.reliablekafka.ReliableHeaders;

/**
 * A {@code read_committed} reader of the hand-off topics (tiers, retry and dead-letter topics), without a consumer
 * group: it reads from where it stopped, and sees only committed records, as a downstream reader would.
 */
final class TopicReader implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final KafkaConsumer<String, String> consumer;

	private final List<HandOff> records = new ArrayList<>();

	TopicReader(String bootstrapServers) {
		this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
				false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
				5000), new StringDeserializer(), new StringDeserializer());
	}

	/**
	 * Read the named topics (those that exist) up to their current end.
	 * @param topics the topics
	 * @return the records read by this call
	 */
	List<HandOff> read(Collection<String> topics) {
		Map<String, List<PartitionInfo>> existing = this.consumer.listTopics(TIMEOUT);
		List<TopicPartition> partitions = new ArrayList<>();
		for (String topic : topics) {
			for (PartitionInfo info : existing.getOrDefault(topic, List.of())) {
				partitions.add(new TopicPartition(topic, info.partition()));
			}
		}
		List<TopicPartition> assigned = new ArrayList<>(this.consumer.assignment());
		if (!assigned.containsAll(partitions)) {
			Map<TopicPartition, Long> positions = new HashMap<>();
			assigned.forEach(partition -> positions.put(partition, this.consumer.position(partition, TIMEOUT)));
			partitions.forEach(partition -> {
				if (!assigned.contains(partition)) {
					assigned.add(partition);
				}
			});
			this.consumer.assign(assigned);
			positions.forEach(this.consumer::seek);
		}
		List<HandOff> read = new ArrayList<>();
		if (assigned.isEmpty()) {
			return read;
		}
		Map<TopicPartition, Long> ends = this.consumer.endOffsets(assigned, TIMEOUT);
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		int emptyPolls = 0;
		// An open transaction holds a read_committed position below the end: give up on it after a few empty polls.
		while (System.nanoTime() < deadline && !reached(ends) && emptyPolls < 5) {
			int before = read.size();
			for (ConsumerRecord<String, String> record : this.consumer.poll(Duration.ofMillis(200))) {
				read.add(new HandOff(record.topic(), record.key(),
						text(record.headers().lastHeader(ReliableHeaders.RECONSUME_COUNT)),
						text(record.headers().lastHeader(ReliableHeaders.ORIGINAL_TOPIC)),
						number(record.headers().lastHeader(ReliableHeaders.ORIGINAL_PARTITION)),
						number(record.headers().lastHeader(ReliableHeaders.ORIGINAL_OFFSET)), record.timestamp()));
			}
			emptyPolls = (read.size() == before) ? emptyPolls + 1 : 0;
		}
		this.records.addAll(read);
		return read;
	}

	List<HandOff> records() {
		return this.records;
	}

	private boolean reached(Map<TopicPartition, Long> ends) {
		for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
			if (this.consumer.position(end.getKey(), TIMEOUT) < end.getValue()) {
				return false;
			}
		}
		return true;
	}

	private static String text(@Nullable Header header) {
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "";
	}

	private static long number(@Nullable Header header) {
		try {
			return Long.parseLong(text(header).trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	@Override
	public void close() {
		this.consumer.close(Duration.ofSeconds(5));
	}

	/**
	 * A record on a hand-off topic: where it is, and the input record it came from.
	 *
	 * @param timestamp its timestamp: the broker's append time on a delay tier, the send time elsewhere
	 */
	record HandOff(String topic, String key, String reconsumeCount, String originalTopic, long originalPartition,
			long originalOffset, long timestamp) {
	}

}
