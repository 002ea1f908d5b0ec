package dev.reliablekafka.deadletter;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;

import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record that fails again each time it is redriven comes back to the dead-letter topic with its redrive count,
 * through the retry topic and through its original topic alike; once redriven max-redrives times it is refused,
 * reported, and not offered again.
 */
class RedriveLoopGuardTests {

	@ParameterizedTest
	@EnumSource(RedriveTarget.class)
	void recordRedrivenMaxRedrivesTimesIsRefused(RedriveTarget target) {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String deadLetterTopic = "dlq." + group;
			kafka.send(topic, 0, "D", "always fails");
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, FailingListener.class,
					"test.topic=" + topic, "test.group=" + group, "reliable.kafka.redrive.max-redrives=2")) {
				DeadLetters deadLetters = app.getBean(DeadLetters.class);
				RedriveRequest redrive = RedriveRequest.dryRunOfAll().withDryRun(false).withTarget(target);
				kafka.readAll(deadLetterTopic, 1);

				assertThat(deadLetters.redrive(group, redrive).moved()).isEqualTo(1);
				assertThat(header(kafka.readAll(deadLetterTopic, 2).get(1), ReliableHeaders.REDRIVE_COUNT))
					.isEqualTo("1");
				assertThat(deadLetters.redrive(group, redrive).moved()).isEqualTo(1);
				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(deadLetterTopic, 3);
				assertThat(header(dead.get(2), ReliableHeaders.REDRIVE_COUNT)).isEqualTo("2");

				RedriveResult refused = deadLetters.redrive(group, redrive);
				assertThat(refused.moved()).isZero();
				assertThat(refused.refused()).isEqualTo(1);
				assertThat(refused.records()).singleElement()
					.satisfies(entry -> assertThat(entry.detail()).contains("redriven 2 times already"));
				RedriveResult again = deadLetters.redrive(group, redrive);
				assertThat(again.moved() + again.refused()).isZero();
				assertThat(app.getBean(ProcessingLog.class).of("orders")).hasSize(3);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListener {

		private final ProcessingLog log;

		FailingListener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, notRetryable = IllegalArgumentException.class)
		void onOrder(ConsumerRecord<byte[], byte[]> record) {
			this.log.add("orders", record, false);
			throw new IllegalArgumentException("order D cannot be saved");
		}

	}

}
