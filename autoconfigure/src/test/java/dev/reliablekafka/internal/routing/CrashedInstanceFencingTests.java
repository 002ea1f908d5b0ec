package dev.reliablekafka.internal.routing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;

import static dev.reliablekafka.internal.routing.ReadCommitted.lastStableOffset;
import static dev.reliablekafka.internal.routing.ReadCommitted.readCommitted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance with transactions dies like {@code kill -9} (a child JVM killed with {@code destroyForcibly}) between
 * the sends of a hand-off and its commit, while its other consumer thread keeps handing records over behind that
 * open transaction. Restarted with the same transaction id prefix, the instance fences its predecessor at start-up:
 * the delay tier drains at once rather than after the dead transaction's {@code transaction.timeout.ms} (60 s),
 * every record is processed, and a {@code read_committed} reader of the delay tier, retry and dead-letter topics
 * sees no record twice. Runs on the embedded broker only: the child JVM is slow enough to start once.
 */
class CrashedInstanceFencingTests {

	private static final int PER_PARTITION = 20;

	private static final int RECORDS = 2 * PER_PARTITION;

	@Test
	void aRestartedInstanceFencesTheDeadInstancesOpenTransactionAtOnce() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 2);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("crash");
			String tier = namespace + ".delay.1s";
			List<String> properties = List.of("spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
					"spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.listener.poll-timeout=500ms",
					"spring.application.name=" + namespace, "test.topic=" + topic, "test.group=" + group,
					// Stable per instance: the restarted instance uses the same one.
					"spring.kafka.producer.transaction-id-prefix=" + namespace + "-instance-0-",
					"reliable.kafka.topics.partitions=1",
					// The dead instance's consumers leave their groups after the session timeout, not 45 s.
					"spring.kafka.consumer.properties.session.timeout.ms=6000");

			Path output = Files.createTempFile("crashing-instance", ".log");
			Process instance = start(properties, output);
			try {
				// Records arrive once each consumer thread has its partition: a rebalance would wait for the
				// thread whose hand-off is blocked.
				await("both consumer threads assigned").atMost(Duration.ofSeconds(45))
					.pollInterval(Duration.ofMillis(200))
					.ignoreExceptions()
					.failFast(() -> !instance.isAlive())
					.until(() -> consumersOf(admin, group, topic) == 2);
				for (int i = 0; i < RECORDS; i++) {
					kafka.send(topic, i % 2, "k" + i, "v" + i);
				}
				await("the first hand-off left open").atMost(Duration.ofSeconds(45))
					.pollInterval(Duration.ofMillis(100))
					.failFast(() -> !instance.isAlive())
					.until(() -> Files.readString(output).contains(CrashingInstance.BLOCKED));
				// The other consumer thread hands its whole partition over, behind the open transaction.
				await("the other partition handed over").atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == PER_PARTITION
							|| kafka.committed(group, new TopicPartition(topic, 1)) == PER_PARTITION);
			}
			catch (Throwable ex) {
				System.out.println("The crashing instance's output:\n" + Files.readString(output));
				throw ex;
			}
			finally {
				instance.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			}
			TopicPartition tierPartition = new TopicPartition(tier, 0);
			assertThat(lastStableOffset(admin, tierPartition)).as("read_committed readers of the tier are held")
				.isLessThan(kafka.endOffset(tierPartition) - PER_PARTITION);
			System.out.println(Files.readAllLines(output)
				.stream()
				.filter(line -> line.contains(CrashingInstance.BLOCKED))
				.findFirst()
				.orElseThrow() + "; killed");
			Files.delete(output);

			long restarted = System.nanoTime();
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, CrashingInstance.Orders.class,
					properties.toArray(String[]::new))) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await("every record processed after the restart").atMost(Duration.ofSeconds(90))
					.until(() -> processedValues(log).size() == RECORDS);
				Duration drain = Duration.ofNanos(System.nanoTime() - restarted);
				System.out.println("Drained " + RECORDS + " records " + drain.toMillis()
						+ " ms after the restart (transaction.timeout.ms 60000)");
				assertThat(drain).as("drain after the restart").isLessThan(Duration.ofSeconds(30));
			}

			assertNoneTwice(readCommitted(kafka, tier));
			assertNoneTwice(readCommitted(kafka, "retry." + group));
			assertNoneTwice(readCommitted(kafka, "dlq." + group));
		}
	}

	private static Process start(List<String> properties, Path output) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				CrashingInstance.class.getName()));
		command.addAll(properties);
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.directory(new File(System.getProperty("user.dir")))
			.start();
	}

	private static Set<String> processedValues(ProcessingLog log) {
		return log.of("orders").stream().map(ProcessingLog.Entry::value).collect(Collectors.toSet());
	}

	/** How many members of the group are assigned a partition of the topic. */
	private static long consumersOf(Admin admin, String group, String topic) throws Exception {
		ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
			.describedGroups()
			.get(group)
			.get(30, TimeUnit.SECONDS);
		return description.members()
			.stream()
			.filter(member -> member.assignment()
				.topicPartitions()
				.stream()
				.anyMatch(partition -> partition.topic().equals(topic)))
			.count();
	}

	// A record may pass through a topic once per attempt, never twice in one attempt.
	private static void assertNoneTwice(List<ConsumerRecord<byte[], byte[]>> records) {
		Map<String, Long> perAttempt = records.stream()
			.map(record -> new String(record.value(), StandardCharsets.UTF_8) + " attempt "
					+ HeaderValues.text(record.headers(), ReliableHeaders.RECONSUME_COUNT))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		assertThat(perAttempt).allSatisfy((attempt, count) -> assertThat(count).as(attempt).isEqualTo(1L));
	}

}
