package dev.reliablekafka.internal.blocking;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;
import org.springframework.kafka.support.Acknowledgment;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code ack-mode=manual_immediate} the listener commits the records it processed, and nobody else commits;
 * a record dead-lettered after its last attempt is committed by the failure router once the broker acknowledged
 * it. Otherwise the last record of a partition would stay uncommitted and be dead-lettered again after the next
 * rebalance.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class ManualImmediateDeadLetterCommitTests {

	@Parameter
	Broker broker;

	@Test
	void deadLetteredRecordIsCommitted() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("manual"), 1);
			String group = KafkaTestClient.unique("manual-group");
			kafka.send(topic, 0, "ok", "ok");
			kafka.send(topic, 0, "fails", "fails");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group, "spring.kafka.listener.ack-mode=manual_immediate")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				assertThat(kafka.readAll("dlq." + group, 1)).hasSize(1);
				assertThat(log.deliveries("manual", 0, 1)).isEqualTo(2);

				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 2);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "manual", topics = "${test.topic}", groupId = "${test.group}", maxAttempts = "2",
				backOff = @BackOff(delay = 50))
		void onRecord(ConsumerRecord<String, String> record, Acknowledgment ack) {
			boolean fail = record.value().equals("fails");
			this.log.add("manual", record, !fail);
			if (fail) {
				throw new SimulatedDeadlockException("deadlock on " + record.value());
			}
			ack.acknowledge();
		}

	}

}
