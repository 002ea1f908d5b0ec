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

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;

import static dev.reliablekafka.test.DeadLetterAssertions.assertDeadLettered;
import static dev.reliablekafka.test.DeadLetterAssertions.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A not-retryable exception sends the record to the dead-letter topic at its first failure, even with unlimited
 * attempts, and the record behind it is processed.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class NotRetryableTests {

	@Parameter
	Broker broker;

	@Test
	void notRetryableFailureIsDeadLetteredAtOnce() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("invalid-orders"), 1);
			String group = KafkaTestClient.unique("invalid-group");
			byte[] key = utf8("order-7");
			byte[] value = utf8("quantity=-1");
			RecordMetadata invalid = kafka.send(topic, 0, key, value);
			kafka.send(topic, 0, "order-8", "quantity=2");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group,
					"reliable.kafka.listeners.validating.not-retryable-exceptions=java.lang.IllegalArgumentException")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 2);

				assertThat(log.deliveries("validating", 0, 0)).isEqualTo(1);
				assertThat(log.succeeded("validating")).extracting(ProcessingLog.Entry::value).containsExactly("quantity=2");
				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll("dlq." + group, 1);
				assertDeadLettered(dead.get(0), invalid, key, value, group, IllegalArgumentException.class, 0);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "validating", topics = "${test.topic}", groupId = "${test.group}")
		void onRecord(ConsumerRecord<String, String> record) {
			boolean invalid = record.value().contains("-");
			this.log.add("validating", record, !invalid);
			if (invalid) {
				throw new IllegalArgumentException("Quantity must be positive: " + record.value());
			}
		}

	}

}
