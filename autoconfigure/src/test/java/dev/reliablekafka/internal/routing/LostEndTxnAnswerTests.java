package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker commits a hand-off transaction but its answer to {@code EndTxn} is lost (a proxy swallows it), so the
 * listener's commit times out. The forward is not treated as failed: a {@code read_committed} reader of the delay
 * tier sees the record once, not a second copy forwarded in a new transaction.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class LostEndTxnAnswerTests {

	@Parameter
	Broker broker;

	@Test
	void handOffWhoseCommitAnswerIsLostIsCommittedOnce() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				EndTxnWithholdingProxy proxy = new EndTxnWithholdingProxy(kafka.bootstrapServers())) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("lost");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					// The embedded broker sets spring.kafka.bootstrap-servers as a system property: only producers use the proxy.
					"spring.kafka.producer.bootstrap-servers=" + proxy.bootstrapServers(),
					"spring.kafka.producer.transaction-id-prefix=" + namespace + "-",
					"spring.kafka.producer.properties.request.timeout.ms=2500", "reliable.kafka.forward-timeout=2s",
					"reliable.kafka.topics.partitions=1")) {
				proxy.withholdNextEndTxnAnswer();
				kafka.send(topic, 0, "A", "fails");
				kafka.send(topic, 0, "B", "succeeds");
				ProcessingLog log = app.getBean(ProcessingLog.class);
				// A's forward is pipelined, so B may be processed before A's transaction is even committed: wait for
				// the withheld answer and the group's commit past both, which settles A's hand-off.
				await().atMost(Duration.ofSeconds(60))
					.until(() -> proxy.withheldAnswers() == 1
							&& log.succeeded("orders").stream().anyMatch(entry -> entry.value().equals("succeeds"))
							&& kafka.committed(group, new TopicPartition(topic, 0)) == 2);

				assertThat(readCommitted(kafka, namespace + ".delay.1h")).extracting(ConsumerRecord::value)
					.extracting(String::new)
					.containsExactly("fails");
			}
		}
	}

	private static List<ConsumerRecord<byte[], byte[]>> readCommitted(KafkaTestClient kafka, String topic) {
		TopicPartition partition = new TopicPartition(topic, 0);
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
						ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			// The end offset of a read_committed consumer is the last stable offset: everything decided.
			long end = consumer.endOffsets(List.of(partition)).get(partition);
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return consumer.position(partition) >= end;
			});
		}
		return records;
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		private final ProcessingLog log;

		OrderService(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "1h", firstDelayLevel = "1", maxReconsumeTimes = "1")
		void onOrder(ConsumerRecord<String, String> record) {
			boolean fails = record.value().equals("fails");
			this.log.add("orders", record, !fails);
			if (fails) {
				throw new SimulatedDeadlockException("deadlock");
			}
		}

	}

}
