package dev.reliablekafka.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The one in-process KRaft broker every contender of a run shares, with helpers to create topics and write
 * 512-byte records. It is reachable directly and through a {@link LatencyProxy} that adds {@link #LATENCY} to every
 * round trip.
 */
final class BenchmarkBroker implements AutoCloseable {

	static final int RECORD_SIZE = 512;

	/** What the latency proxy adds to every round trip. */
	static final Duration LATENCY = Duration.ofMillis(5);

	private static final String DELAYED = "DELAYED";

	private final EmbeddedKafkaKraftBroker broker;

	private final Admin admin;

	private final KafkaProducer<byte[], byte[]> producer;

	private final LatencyProxy proxy = new LatencyProxy(LATENCY.dividedBy(2));

	BenchmarkBroker() {
		this.broker = new EmbeddedKafkaKraftBroker(1, 4);
		this.broker.brokerProperties(Map.of("group.initial.rebalance.delay.ms", "0", "auto.create.topics.enable",
				"true", "num.partitions", "4", "transaction.state.log.replication.factor", "1",
				"transaction.state.log.min.isr", "1", "log.retention.check.interval.ms", "3600000"));
		// A second listener, advertised at the latency proxy's address, so that clients bootstrapped through the
		// proxy stay behind it; port 0 in the advertised address of the first stands for the port it is bound to.
		this.broker.brokerProperties(Map.of("listeners",
				"EXTERNAL://localhost:0,CONTROLLER://localhost:0," + DELAYED + "://localhost:0", "advertised.listeners",
				"EXTERNAL://localhost:0," + DELAYED + "://" + this.proxy.address(),
				"listener.security.protocol.map", "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + DELAYED + ":PLAINTEXT"));
		// By default the broker publishes its address as the system property spring.kafka.bootstrap-servers, which
		// would outrank the address each contender's context is given, and so keep every client off the proxy.
		this.broker.brokerListProperty("spring.embedded.kafka.brokers");
		this.broker.afterPropertiesSet();
		this.proxy.forwardTo(this.broker.getCluster().brokers().values().iterator().next().socketServer()
			.boundPort(new ListenerName(DELAYED)));
		this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
				new ByteArraySerializer(), new ByteArraySerializer());
	}

	String bootstrapServers() {
		return this.broker.getBrokersAsString();
	}

	/** Connections made through the latency proxy so far. */
	long delayedConnections() {
		return this.proxy.accepted();
	}

	/** The broker behind the latency proxy: every round trip takes {@link #LATENCY} longer. */
	String delayedBootstrapServers() {
		return this.proxy.address();
	}

	String createTopic(String prefix, int partitions) {
		String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
		createTopicNamed(name, partitions);
		return name;
	}

	void createTopicNamed(String name, int partitions) {
		try {
			this.admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
			// Write only once every partition has a leader that the producer knows of.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (this.producer.partitionsFor(name).stream().anyMatch(info -> info.leader() == null
					|| info.leader().isEmpty()) || this.producer.partitionsFor(name).size() < partitions) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("No leader for " + name);
				}
				Thread.sleep(50);
			}
			Thread.sleep(200);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return how many records a topic holds (end minus start offsets), 0 when it does not exist.
	 */
	long count(String topic) {
		try {
			if (!topics().contains(topic)) {
				return 0;
			}
			List<TopicPartition> partitions = this.admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(30, TimeUnit.SECONDS)
				.get(topic)
				.partitions()
				.stream()
				.map(info -> new TopicPartition(topic, info.partition()))
				.toList();
			Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
			Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
			partitions.forEach(partition -> {
				latest.put(partition, OffsetSpec.latest());
				earliest.put(partition, OffsetSpec.earliest());
			});
			var ends = this.admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
			var starts = this.admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
			return partitions.stream().mapToLong(partition -> ends.get(partition).offset() - starts.get(partition).offset())
				.sum();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	Set<String> topics() {
		try {
			return this.admin.listTopics().names().get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Write records {@code 0..count-1} round robin over the partitions; record i has key {@code i}.
	 */
	void produce(String topic, int partitions, int count) {
		produce(topic, count, index -> index % partitions, new RecordHeaders());
	}

	void produce(String topic, int count, java.util.function.IntUnaryOperator partition, RecordHeaders headers) {
		byte[] value = new byte[RECORD_SIZE];
		java.util.Arrays.fill(value, (byte) 'x');
		List<Future<RecordMetadata>> sent = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sent.add(this.producer.send(new ProducerRecord<>(topic, partition.applyAsInt(i), null,
					Integer.toString(i).getBytes(StandardCharsets.UTF_8), value, headers)));
			if (sent.size() >= 10_000) {
				await(sent);
			}
		}
		await(sent);
	}

	/**
	 * Wait until the given number of consumer groups whose ids start with a prefix are stable, each member with
	 * partitions assigned, so that a measurement does not include the joining of the groups.
	 */
	void awaitGroups(String prefix, int groups) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		try {
			while (System.nanoTime() < deadline) {
				List<String> ids = this.admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
					.map(listing -> listing.groupId()).filter(id -> id.startsWith(prefix)).toList();
				if (ids.size() >= groups && this.admin.describeConsumerGroups(ids).all().get(30, TimeUnit.SECONDS)
					.values().stream().allMatch(group -> group.groupState() == org.apache.kafka.common.GroupState.STABLE
							&& !group.members().isEmpty() && group.members().stream()
								.allMatch(member -> !member.assignment().topicPartitions().isEmpty()))) {
					return;
				}
				Thread.sleep(100);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		throw new IllegalStateException("Consumer groups " + prefix + "* did not become stable");
	}

	/**
	 * Write records {@code 0..count-1} round robin over the partitions, at a steady rate.
	 */
	void produceAtRate(String topic, int partitions, int count, int perSecond) throws InterruptedException {
		byte[] value = new byte[RECORD_SIZE];
		java.util.Arrays.fill(value, (byte) 'x');
		long start = System.nanoTime();
		List<Future<RecordMetadata>> sent = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long at = start + i * 1_000_000_000L / perSecond;
			long wait = at - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			sent.add(this.producer.send(new ProducerRecord<>(topic, i % partitions, null,
					Integer.toString(i).getBytes(StandardCharsets.UTF_8), value)));
		}
		await(sent);
	}

	private static void await(List<Future<RecordMetadata>> sent) {
		try {
			for (Future<RecordMetadata> future : sent) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		sent.clear();
	}

	@Override
	public void close() {
		this.producer.close(Duration.ofSeconds(5));
		this.admin.close(Duration.ofSeconds(5));
		this.proxy.close();
		this.broker.destroy();
	}

}
