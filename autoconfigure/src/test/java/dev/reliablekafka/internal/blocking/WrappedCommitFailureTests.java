package dev.reliablekafka.internal.blocking;

import java.time.Duration;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Only a commit of this listener's own consumer that failed is no processing failure. A listener whose business
 * code fails with an exception that merely wraps a {@code CommitFailedException} (from a consumer of its own, say)
 * failed to process the record: its attempts are counted and it ends in the dead-letter topic, instead of being
 * redelivered at once, without back-off, forever.
 */
class WrappedCommitFailureTests {

	@Test
	void businessFailureCausedByAnotherConsumersCommitIsAFailure() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("wrapped"), 1);
			String group = KafkaTestClient.unique("wrapped-group");
			kafka.send(topic, 0, "fails", "fails");
			kafka.send(topic, 0, "ok", "ok");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group)) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				assertThat(kafka.readAll("dlq." + group, 1)).hasSize(1);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 2);
				assertThat(log.deliveries("wrapped", 0, 0)).isEqualTo(2);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "wrapped", topics = "${test.topic}", groupId = "${test.group}", maxAttempts = "2",
				backOff = @BackOff(delay = 50))
		void onRecord(ConsumerRecord<String, String> record) {
			boolean fail = record.value().equals("fails");
			this.log.add("wrapped", record, !fail);
			if (fail) {
				throw new IllegalStateException("Could not save the order",
						new CommitFailedException("another consumer's commit failed"));
			}
		}

	}

}
