package dev.reliablekafka.internal.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimpleMeters;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A BLOCKING listener's meters, by value: record 1 fails twice and is then processed, record 2 fails on all its
 * three attempts, record 3 fails with a not-retryable exception, the fourth record is not an integer (poison) and
 * record 5 is processed at once.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class BlockingMetricsTests {

	@Parameter
	Broker broker;

	@Test
	void countsEachOutcomeAndTheDeliveriesOfEachRecordThatFailed() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String deadLetters = "dlq." + group;
			kafka.send(topic, 0, key(), integer(1));
			kafka.send(topic, 0, key(), integer(2));
			kafka.send(topic, 0, key(), integer(3));
			kafka.send(topic, 0, key(), "bad".getBytes(StandardCharsets.UTF_8));
			kafka.send(topic, 0, key(), integer(5));

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group,
					"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer",
					"reliable.kafka.listeners.orders.blocking.initial-interval=1s",
					"reliable.kafka.listeners.orders.blocking.multiplier=1",
					"reliable.kafka.listeners.orders.blocking.max-attempts=3",
					"reliable.kafka.listeners.orders.not-retryable-exceptions=java.lang.IllegalArgumentException",
					"reliable.kafka.metrics.topic-depth-refresh=100ms")) {
				MeterRegistry meters = app.getBean(MeterRegistry.class);
				ProcessingLog log = app.getBean(ProcessingLog.class);

				// Record 1 waits out its first back-off: its partition is in back-off.
				await().atMost(Duration.ofSeconds(30)).until(() -> !log.of("orders").isEmpty());
				await().atMost(Duration.ofSeconds(30)).until(() -> backOff(meters) == 1);

				await().atMost(Duration.ofSeconds(60))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 5);
				assertThat(log.succeeded("orders")).extracting(ProcessingLog.Entry::value).containsExactly("1", "5");

				assertThat(failed(meters, "retried-in-place", "none")).isEqualTo(4);
				assertThat(failed(meters, "dead-lettered", "attempts-used-up")).isEqualTo(1);
				assertThat(failed(meters, "dead-lettered", "not-retryable")).isEqualTo(1);
				assertThat(failed(meters, "dead-lettered", "poison")).isEqualTo(1);
				assertThat(failed(meters, "forward-failed", "none")).isZero();
				assertThat(meters.find(ReliableKafkaMeters.RECORDS_FAILED).tag("outcome", "forwarded").counters())
					.isEmpty();

				// 3 deliveries for record 1 (processed) and record 2 (dead-lettered), 1 for records 3 and 4.
				DistributionSummary attempts = meters.get(ReliableKafkaMeters.RECORD_ATTEMPTS)
					.tag("listener", "orders")
					.tag("group", group)
					.summary();
				assertThat(attempts.count()).isEqualTo(4);
				assertThat(attempts.totalAmount()).isEqualTo(8);
				assertThat(attempts.max()).isEqualTo(3);

				assertThat(backOff(meters)).isZero();
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(meters
					.get(ReliableKafkaMeters.RECORDS_WAITING)
					.tag("kind", "dead-letter")
					.tag("topic", deadLetters)
					.tag("group", group)
					.gauge()
					.value()).isEqualTo(3));
				// The group never had a retry topic: its depth is unknown.
				assertThat(meters.get(ReliableKafkaMeters.RECORDS_WAITING).tag("kind", "retry").gauge().value())
					.isNaN();

				// Spring Kafka's Micrometer listener sees Reliable Kafka's producer, which sent the three dead letters.
				FunctionCounter sent = meters.get("kafka.producer.record.send.total").functionCounters()
					.stream()
					.filter(counter -> counter.getId().getTag("spring.id").startsWith("reliableKafkaProducerFactory."))
					.findFirst()
					.orElseThrow();
				assertThat(sent.count()).isEqualTo(3);
			}
		}
	}

	private static double failed(MeterRegistry meters, String outcome, String reason) {
		return meters.get(ReliableKafkaMeters.RECORDS_FAILED)
			.tag("listener", "orders")
			.tag("outcome", outcome)
			.tag("reason", reason)
			.tag("level", "none")
			.counter()
			.count();
	}

	private static double backOff(MeterRegistry meters) {
		return meters.get(ReliableKafkaMeters.PARTITIONS_BACKOFF).tag("listener", "orders").gauge().value();
	}

	private static byte[] key() {
		return "order".getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] integer(int value) {
		return ByteBuffer.allocate(4).putInt(value).array();
	}

	@Configuration(proxyBeanMethods = false)
	@Import(SimpleMeters.class)
	static class OrderService {

		private final ProcessingLog log;

		OrderService(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.BLOCKING)
		void onOrder(ConsumerRecord<String, Integer> record) {
			int value = record.value();
			boolean fails = (value == 1 && this.log.deliveries("orders", record.partition(), record.offset()) < 2)
					|| value == 2;
			this.log.add("orders", record, !fails && value != 3);
			if (value == 3) {
				throw new IllegalArgumentException("Order 3 is invalid");
			}
			if (fails) {
				throw new SimulatedDeadlockException("Deadlock processing order " + value);
			}
		}

	}

}
