package dev.reliablekafka.internal.blocking;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static dev.reliablekafka.test.DeadLetterAssertions.assertDeadLettered;
import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static dev.reliablekafka.test.DeadLetterAssertions.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code max-attempts} holds across a restart: a record that failed twice before its application stopped is
 * dead-lettered after exactly one more attempt by the next instance, with the time of its very first failure.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class AttemptsAcrossRestartTests {

	@Parameter
	Broker broker;

	@Test
	void attemptsCountedBeforeARestartStillCount() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("restart"), 1);
			String group = KafkaTestClient.unique("restart-group");
			byte[] key = utf8("k");
			byte[] value = utf8("always fails");
			long beforeFirstAttempt = System.currentTimeMillis();
			RecordMetadata doomed = kafka.send(topic, 0, key, value);
			kafka.send(topic, 0, "next", "next");
			String[] properties = { "test.topic=" + topic, "test.group=" + group };

			try (ConfigurableApplicationContext first = ReliableTestApp.run(kafka, Listener.class, properties)) {
				ProcessingLog log = first.getBean(ProcessingLog.class);
				// Then it waits 30 s before its third attempt: the application stops first.
				await().atMost(Duration.ofSeconds(60)).until(() -> log.deliveries("doomed", 0, 0) == 2);
			}

			long restart = System.currentTimeMillis();
			try (ConfigurableApplicationContext second = ReliableTestApp.run(kafka, Listener.class, properties)) {
				ProcessingLog log = second.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> log.deliveries("doomed", 0, 0) >= 2 || log.succeeded("doomed").size() == 1);

				assertThat(log.deliveries("doomed", 0, 0)).as("attempts after the restart").isEqualTo(1);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 2);
				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll("dlq." + group, 1);
				assertThat(dead).hasSize(1);
				assertDeadLettered(dead.get(0), doomed, key, value, group, SimulatedDeadlockException.class, 2);
				assertThat(Long.parseLong(header(dead.get(0), ReliableHeaders.FIRST_FAILURE_TIME)))
					.as("first failure, before the restart")
					.isBetween(beforeFirstAttempt, restart);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		// Waits 100 ms, then 30 s.
		@ReliableListener(id = "doomed", topics = "${test.topic}", groupId = "${test.group}", maxAttempts = "3",
				backOff = @BackOff(delay = 100, multiplier = 300))
		void onRecord(ConsumerRecord<byte[], String> record) {
			boolean fail = record.value().equals("always fails");
			this.log.add("doomed", record, !fail);
			if (fail) {
				throw new SimulatedDeadlockException("deadlock, again");
			}
		}

	}

}
