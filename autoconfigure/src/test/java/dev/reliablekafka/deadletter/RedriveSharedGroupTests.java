package dev.reliablekafka.deadletter;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a group with two listeners, only the RETRY_TOPIC one consumes the group's retry topic: a redrive to it moves
 * that listener's dead-letter records and refuses the other listener's, which must not reach its method; they can
 * still go back to their original topic.
 */
class RedriveSharedGroupTests {

	@Test
	void retryTopicTakesOnlyTheRecordsOfTheListenerConsumingIt() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String payments = kafka.createTopic(KafkaTestClient.unique("payments"), 1);
			String refunds = kafka.createTopic(KafkaTestClient.unique("refunds"), 1);
			String group = KafkaTestClient.unique("billing");
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Billing.class,
					"test.payments=" + payments, "test.refunds=" + refunds, "test.group=" + group,
					"reliable.kafka.topics.partitions=1")) {
				kafka.send("dlq." + group, 0, utf8("p"), utf8("payment"), ReliableHeaders.MESSAGE_ID, "p1",
						ReliableHeaders.ORIGINAL_TOPIC, payments);
				kafka.send("dlq." + group, 0, utf8("r"), utf8("refund"), ReliableHeaders.MESSAGE_ID, "r1",
						ReliableHeaders.ORIGINAL_TOPIC, refunds);
				DeadLetters deadLetters = app.getBean(DeadLetters.class);

				RedriveResult toRetry = deadLetters.redrive(group, RedriveRequest.dryRunOfAll().withDryRun(false));
				assertThat(toRetry.moved()).isEqualTo(1);
				assertThat(toRetry.records()).extracting(RedriveResult.Entry::messageId, RedriveResult.Entry::outcome)
					.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("p1", "moved"),
							org.assertj.core.groups.Tuple.tuple("r1", "refused"));
				assertThat(header(kafka.readAll("retry." + group, 1).get(0), ReliableHeaders.MESSAGE_ID))
					.isEqualTo("p1");

				RedriveResult toOriginal = deadLetters.redrive(group,
						RedriveRequest.dryRunOfAll().withDryRun(false).withTarget(RedriveTarget.ORIGINAL));
				assertThat(toOriginal.records()).extracting(RedriveResult.Entry::messageId).containsExactly("r1");
				assertThat(kafka.readAll(refunds, 1).get(0).value()).isEqualTo(utf8("refund"));
			}
		}
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	static class Billing {

		@ReliableListener(id = "payments", topics = "${test.payments}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, autoStartup = "false")
		void onPayment(ConsumerRecord<byte[], byte[]> record) {
		}

		@ReliableListener(id = "refunds", topics = "${test.refunds}", groupId = "${test.group}",
				mode = ReliableMode.BLOCKING, autoStartup = "false")
		void onRefund(ConsumerRecord<byte[], byte[]> record) {
		}

	}

}
