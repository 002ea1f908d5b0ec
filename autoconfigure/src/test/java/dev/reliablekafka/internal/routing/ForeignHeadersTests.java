package dev.reliablekafka.internal.routing;

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
 * A record replayed from a dead-letter topic into the source topic carries the {@code reliable-*} headers of its
 * earlier life. They are not believed: the record starts afresh with its own message id and all its retries, and
 * keeps its earlier message id as {@link ReliableHeaders#ORIGINAL_MESSAGE_ID}.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class ForeignHeadersTests {

	@Parameter
	Broker broker;

	@Test
	void replayedRecordStartsAfreshWithItsOwnMessageIdAndAllItsRetries() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("replayed"), 1);
			String group = KafkaTestClient.unique("replay-group");
			byte[] key = utf8("k");
			byte[] value = utf8("replayed from a dead-letter topic");
			RecordMetadata replayed = kafka.send(topic, 0, key, value, ReliableHeaders.MESSAGE_ID, "elsewhere-3-77",
					ReliableHeaders.RECONSUME_COUNT, "15", ReliableHeaders.ORIGINAL_TOPIC, "elsewhere",
					ReliableHeaders.ORIGINAL_OFFSET, "77", ReliableHeaders.FIRST_FAILURE_TIME, "1",
					ReliableHeaders.GROUP, "another-group", "traceparent", "00-abc-01");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group)) {
				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll("dlq." + group, 1);
				ProcessingLog log = app.getBean(ProcessingLog.class);

				List<Entry> deliveries = log.of("replayed");
				assertThat(deliveries).extracting(Entry::reconsumeCount).containsExactly("0", "1", "2");
				assertThat(deliveries).extracting(Entry::messageId).containsOnly(topic + "-0-0");
				assertThat(dead).hasSize(1);
				assertDeadLettered(dead.get(0), replayed, key, value, group, SimulatedDeadlockException.class, 2);
				assertThat(header(dead.get(0), ReliableHeaders.ORIGINAL_MESSAGE_ID)).isEqualTo("elsewhere-3-77");
				assertThat(header(dead.get(0), "traceparent")).isEqualTo("00-abc-01");
				await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
					.until(() -> log.of("replayed").size() == 3);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "replayed", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "100ms 200ms", firstDelayLevel = "1",
				maxReconsumeTimes = "2")
		void onRecord(ConsumerRecord<byte[], byte[]> record) {
			this.log.add("replayed", record, false);
			throw new SimulatedDeadlockException("Deadlock, every time");
		}

	}

}
