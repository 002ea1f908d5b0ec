package dev.reliablekafka.internal.blocking;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import dev.reliablekafka.internal.support.HeaderValues;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingLog.Entry;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A BLOCKING listener reads the attempt of every in-place delivery from {@link ReliableHeaders#RECONSUME_COUNT}:
 * the failed attempts of the record so far, as the dead-letter record would say, whatever the record carried.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class AttemptHeaderTests {

	@Parameter
	Broker broker;

	@Test
	void everyInPlaceDeliveryCarriesItsAttempt() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("attempts"), 1);
			String group = KafkaTestClient.unique("attempts-group");
			// Headers of another life (replayed from a dead-letter topic) do not count in BLOCKING.
			kafka.send(topic, 0, "k".getBytes(StandardCharsets.UTF_8), "fails twice".getBytes(StandardCharsets.UTF_8),
					ReliableHeaders.MESSAGE_ID, "elsewhere-0-9", ReliableHeaders.RECONSUME_COUNT, "7");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group)) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 1);

				assertThat(log.of("attempts")).extracting(Entry::reconsumeCount).containsExactly("0", "1", "2");
				assertThat(log.of("attempts")).extracting(Entry::messageId).containsOnly(topic + "-0-0");
				assertThat(app.getBean(Listener.class).originalMessageIds).containsExactly("elsewhere-0-9",
						"elsewhere-0-9", "elsewhere-0-9");
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		final List<String> originalMessageIds = new CopyOnWriteArrayList<>();

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "attempts", topics = "${test.topic}", groupId = "${test.group}",
				backOff = @BackOff(delay = 50, multiplier = 1))
		void onRecord(ConsumerRecord<String, String> record) {
			boolean fail = this.log.deliveries("attempts", record.partition(), record.offset()) < 2;
			this.originalMessageIds.add(HeaderValues.text(record.headers(), ReliableHeaders.ORIGINAL_MESSAGE_ID));
			this.log.add("attempts", record, !fail);
			if (fail) {
				throw new SimulatedDeadlockException("deadlock");
			}
		}

	}

}
