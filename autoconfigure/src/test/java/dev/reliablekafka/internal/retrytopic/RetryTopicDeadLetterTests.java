package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingLog.Entry;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static dev.reliablekafka.test.DeadLetterAssertions.assertDeadLettered;
import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static dev.reliablekafka.test.DeadLetterAssertions.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record that always fails is delivered max-reconsume-times + 1 times, each retry waiting at the next, longer,
 * level, and then lands in the group's dead-letter topic with the full header set and its original bytes.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class RetryTopicDeadLetterTests {

	@Parameter
	Broker broker;

	@Test
	void alwaysFailingRecordIsRetriedWithGrowingDelaysThenDeadLettered() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("payments"), 1);
			String group = KafkaTestClient.unique("payment-service");
			byte[] key = { 1, 2, (byte) 0xfe };
			byte[] value = utf8("doomed \u2603");
			RecordMetadata original = kafka.send(topic, 0, key, value, "traceparent", "00-abc-01");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, PaymentService.class,
					"test.topic=" + topic, "test.group=" + group)) {
				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll("dlq." + group, 1);
				ProcessingLog log = app.getBean(ProcessingLog.class);

				List<Entry> deliveries = log.of("payments");
				assertThat(deliveries).hasSize(4);
				assertThat(deliveries).extracting(Entry::reconsumeCount).containsExactly("0", "1", "2", "3");
				assertThat(deliveries).extracting(Entry::topic)
					.containsExactly(topic, "retry." + group, "retry." + group, "retry." + group);
				assertThat(deliveries).extracting(Entry::messageId).containsOnly(topic + "-0-0");
				long[] waits = { 200, 400, 800 };
				for (int retry = 1; retry <= 3; retry++) {
					assertThat(deliveries.get(retry).nanos() - deliveries.get(retry - 1).nanos())
						.isGreaterThanOrEqualTo(Duration.ofMillis(waits[retry - 1]).toNanos());
				}

				assertThat(dead).hasSize(1);
				assertDeadLettered(dead.get(0), original, key, value, group, SimulatedDeadlockException.class, 3);
				assertThat(header(dead.get(0), "traceparent")).isEqualTo("00-abc-01");
				assertThat(dead.get(0).headers().lastHeader(ReliableHeaders.DUE_TIME)).isNull();
				// Dead-lettered means done: no fifth delivery follows.
				await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
					.until(() -> log.of("payments").size() == 4);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class PaymentService {

		private final ProcessingLog log;

		PaymentService(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "payments", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "200ms 400ms 800ms", firstDelayLevel = "1",
				maxReconsumeTimes = "3")
		void onPayment(ConsumerRecord<byte[], byte[]> record) {
			this.log.add("payments", record, false);
			throw new SimulatedDeadlockException("Deadlock, every time");
		}

	}

}
