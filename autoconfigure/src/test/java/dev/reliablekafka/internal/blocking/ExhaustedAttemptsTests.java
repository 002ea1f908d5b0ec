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
 * A record that keeps failing is delivered max-attempts times, then lands in the group's dead-letter topic
 * exactly as it was written, and the record behind it is processed.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class ExhaustedAttemptsTests {

	@Parameter
	Broker broker;

	@Test
	void recordGoesToTheDeadLetterTopicAfterItsLastAttempt() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("exhausted"), 1);
			String group = KafkaTestClient.unique("exhausted-group");
			byte[] key = { 0, (byte) 0xff, 42 };
			byte[] value = utf8("always fails \u00e9");
			RecordMetadata doomed = kafka.send(topic, 0, key, value, "trace-id", "abc-123");
			kafka.send(topic, 0, "next", "next");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group)) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 2);

				assertThat(log.deliveries("doomed", 0, 0)).isEqualTo(3);
				assertThat(log.succeeded("doomed")).extracting(ProcessingLog.Entry::value).containsExactly("next");
				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll("dlq." + group, 1);
				assertThat(dead).hasSize(1);
				assertDeadLettered(dead.get(0), doomed, key, value, group, SimulatedDeadlockException.class, 2);
				assertThat(dead.get(0).headers().lastHeader("trace-id").value()).isEqualTo(utf8("abc-123"));
				// The first failure came two back-offs (50 ms, then 100 ms) before the record was dead-lettered.
				long firstFailure = Long.parseLong(header(dead.get(0), ReliableHeaders.FIRST_FAILURE_TIME));
				assertThat(dead.get(0).timestamp() - firstFailure).isGreaterThanOrEqualTo(150);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "doomed", topics = "${test.topic}", groupId = "${test.group}", maxAttempts = "3",
				backOff = @BackOff(delay = 50, multiplier = 2))
		void onRecord(ConsumerRecord<byte[], String> record) {
			boolean fail = record.value().startsWith("always fails");
			this.log.add("doomed", record, !fail);
			if (fail) {
				throw new SimulatedDeadlockException("deadlock, again");
			}
		}

	}

}
