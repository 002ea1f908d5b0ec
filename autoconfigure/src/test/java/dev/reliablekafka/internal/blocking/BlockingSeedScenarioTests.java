package dev.reliablekafka.internal.blocking;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingLog.Entry;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scenario Reliable Kafka exists for, in BLOCKING mode: offset 100 (order A) fails twice with a deadlock,
 * offset 101 (order B) succeeds. A is retried in place and B waits for it; the committed offset never passes A
 * while A is failing.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class BlockingSeedScenarioTests {

	@Parameter
	Broker broker;

	@Test
	void failedRecordIsRetriedInPlaceAndTheNextOneWaits() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("OrderTopic"), 1);
			String group = KafkaTestClient.unique("order-service");
			for (int i = 0; i < 100; i++) {
				kafka.send(topic, 0, "filler-" + i, "filler");
			}
			assertThat(kafka.send(topic, 0, "A", "A").offset()).isEqualTo(100);
			assertThat(kafka.send(topic, 0, "B", "B").offset()).isEqualTo(101);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group,
					"reliable.kafka.listeners.orders.blocking.initial-interval=200ms")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				TopicPartition partition = new TopicPartition(topic, 0);
				await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(group, partition) == 102);

				List<Entry> tail = log.of("orders").stream().filter(entry -> entry.offset() >= 100).toList();
				assertThat(tail).extracting(Entry::offset).containsExactly(100L, 100L, 100L, 101L);
				assertThat(tail).extracting(Entry::succeeded).containsExactly(false, false, true, true);
				// Back-off: 200 ms, then 400 ms; never earlier.
				assertThat(tail.get(1).nanos() - tail.get(0).nanos()).isGreaterThanOrEqualTo(millis(200));
				assertThat(tail.get(2).nanos() - tail.get(1).nanos()).isGreaterThanOrEqualTo(millis(400));

				List<Long> committedDuringA = app.getBean(OrderService.class).committedWhileProcessingA;
				assertThat(committedDuringA).hasSize(3).allSatisfy(offset -> assertThat(offset).isLessThanOrEqualTo(100));
				assertThat(committedDuringA.get(2)).isEqualTo(100);
			}
		}
	}

	private static long millis(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		final List<Long> committedWhileProcessingA = new CopyOnWriteArrayList<>();

		private final ProcessingLog log;

		private final KafkaTestClient kafka;

		private final String group;

		OrderService(ProcessingLog log, KafkaTestClient kafka, @Value("${test.group}") String group) {
			this.log = log;
			this.kafka = kafka;
			this.group = group;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.BLOCKING)
		void onOrder(ConsumerRecord<String, String> record) {
			if ("A".equals(record.value())) {
				this.committedWhileProcessingA
					.add(this.kafka.committed(this.group, new TopicPartition(record.topic(), record.partition())));
				int failuresSoFar = this.log.deliveries("orders", record.partition(), record.offset());
				if (failuresSoFar < 2) {
					this.log.add("orders", record, false);
					throw new SimulatedDeadlockException("Deadlock processing order A");
				}
			}
			this.log.add("orders", record, true);
		}

	}

}
