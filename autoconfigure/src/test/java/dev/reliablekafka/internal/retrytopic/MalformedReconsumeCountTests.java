package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
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
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static dev.reliablekafka.test.DeadLetterAssertions.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record in the group's retry topic carries a reconsume count that is not a number. When it fails, it is
 * forwarded as if it had not been retried yet, and the record behind it in the same partition is processed too:
 * a header the router cannot read neither stalls the partition nor skips a record.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class MalformedReconsumeCountTests {

	@Parameter
	Broker broker;

	@Test
	void failedRecordIsForwardedAndTheRecordBehindItIsProcessed() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("malformed"), 1);
			String group = KafkaTestClient.unique("malformed-group");
			String retryTopic = kafka.createTopic("retry." + group, 1);
			kafka.send(retryTopic, 0, utf8("bad"), utf8("bad"), ReliableHeaders.RECONSUME_COUNT, "abc");
			kafka.send(retryTopic, 0, utf8("good"), utf8("good"));

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group)) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> log.succeeded("malformed").size() >= 2);

				assertThat(log.succeeded("malformed")).extracting(ProcessingLog.Entry::value)
					.containsExactlyInAnyOrder("good", "bad");
				ProcessingLog.Entry retried = log.succeeded("malformed").stream()
					.filter(entry -> entry.value().equals("bad"))
					.findFirst()
					.orElseThrow();
				assertThat(retried.reconsumeCount()).isEqualTo("1");
				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition(retryTopic, 0)) == 3);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "malformed", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "200ms", firstDelayLevel = "1", maxReconsumeTimes = "2")
		void onRecord(ConsumerRecord<String, String> record) {
			// The record as written to the retry topic, not its forwarded copy.
			boolean fail = record.value().equals("bad") && record.offset() == 0;
			this.log.add("malformed", record, !fail);
			if (fail) {
				throw new SimulatedDeadlockException("deadlock on " + record.value());
			}
		}

	}

}
