package dev.reliablekafka.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import static org.awaitility.Awaitility.await;

/**
 * Plain Kafka clients for tests: creates topics, produces raw bytes, reads topics and committed offsets, all
 * against a real broker and independent of the code under test.
 */
public final class KafkaTestClient implements AutoCloseable {

	private final String bootstrapServers;

	private final Admin admin;

	private final KafkaProducer<byte[], byte[]> producer;

	/**
	 * Connect to a broker.
	 * @param broker the broker
	 */
	public KafkaTestClient(Broker broker) {
		this.bootstrapServers = broker.bootstrapServers();
		this.admin = Admin.create(Map.of("bootstrap.servers", this.bootstrapServers));
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
				ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
	}

	public String bootstrapServers() {
		return this.bootstrapServers;
	}

	/**
	 * Return a topic or group name no other test uses.
	 * @param prefix a readable prefix
	 * @return the unique name
	 */
	public static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Create a topic.
	 * @param name the name
	 * @param partitions its partitions
	 * @return the name
	 */
	public String createTopic(String name, int partitions) {
		try {
			this.admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
			return name;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the topics of the cluster.
	 * @return the names
	 */
	public Set<String> topics() {
		try {
			return this.admin.listTopics().names().get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Send a record and wait for the acknowledgement.
	 * @param topic the topic
	 * @param partition the partition
	 * @param key the key bytes
	 * @param value the value bytes
	 * @param headers name/value pairs of headers
	 * @return where it was written
	 */
	public RecordMetadata send(String topic, int partition, byte[] key, byte[] value, String... headers) {
		RecordHeaders recordHeaders = new RecordHeaders();
		for (int i = 0; i < headers.length; i += 2) {
			recordHeaders.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
		}
		try {
			return this.producer.send(new ProducerRecord<>(topic, partition, key, value, recordHeaders))
				.get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Send a record with text key and value.
	 * @param topic the topic
	 * @param partition the partition
	 * @param key the key
	 * @param value the value
	 * @return where it was written
	 */
	public RecordMetadata send(String topic, int partition, String key, String value) {
		return send(topic, partition, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Return the committed offset of a group on a partition.
	 * @param group the group
	 * @param partition the partition
	 * @return the committed offset, or -1 when nothing is committed
	 */
	public long committed(String group, TopicPartition partition) {
		try {
			Map<TopicPartition, OffsetAndMetadata> offsets = this.admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get(30, TimeUnit.SECONDS);
			OffsetAndMetadata offset = offsets.get(partition);
			return (offset != null) ? offset.offset() : -1;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the end offset of a partition.
	 * @param partition the partition
	 * @return the offset the next record will get
	 */
	public long endOffset(TopicPartition partition) {
		try {
			return this.admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
				.partitionResult(partition)
				.get(30, TimeUnit.SECONDS)
				.offset();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Read a topic from the beginning until it holds at least the expected number of records.
	 * @param topic the topic
	 * @param expected how many records to wait for
	 * @return every record read
	 */
	public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
						ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map(info -> new TopicPartition(topic, info.partition()))
				.collect(Collectors.toList());
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return records.size() >= expected;
			});
		}
		return records;
	}

	@Override
	public void close() {
		this.producer.close(Duration.ofSeconds(5));
		this.admin.close(Duration.ofSeconds(5));
	}

}
