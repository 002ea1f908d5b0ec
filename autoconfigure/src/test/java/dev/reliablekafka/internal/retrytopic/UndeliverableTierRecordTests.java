package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingOrderService;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two delay tier records name groups whose retry topics do not exist and do not come back within the patience
 * (one group has a dead-letter topic, the other has none); a good record waits behind them in the same tier
 * partition. The bad ones move to the group's dead-letter topic, or else to the namespace's parking topic, with
 * the reason, and the good one is handed over then instead of waiting behind them forever.
 */
class UndeliverableTierRecordTests {

	@Test
	void recordsThatCanNeverBeHandedOverDoNotHoldUpTheirTierPartition() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String ghost = KafkaTestClient.unique("gone");
			String ghostWithDeadLetters = KafkaTestClient.unique("gone");
			kafka.createTopic("dlq." + ghostWithDeadLetters, 1);
			String namespace = KafkaTestClient.unique("stall");
			TopicPartition tier = new TopicPartition(namespace + ".delay.1s", 0);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, ProcessingOrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"reliable.kafka.topics.unavailable-patience=1s", "test.delay-levels=1s", "test.first-delay-level=1",
					"test.max-reconsume-times=1")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				long now = System.currentTimeMillis();
				tierRecord(kafka, tier, ghost, "bad-1", now);
				tierRecord(kafka, tier, ghostWithDeadLetters, "bad-2", now);
				tierRecord(kafka, tier, group, "good", now);

				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(kafka.committed(namespace + ".delay-scheduler", tier)).isEqualTo(3));
				await().atMost(Duration.ofSeconds(15)).until(() -> !log.succeeded("orders").isEmpty());
				assertThat(log.succeeded("orders").get(0).messageId()).isEqualTo("good");

				ConsumerRecord<byte[], byte[]> parked = kafka.readAll(namespace + ".delay.parked", 1).get(0);
				assertThat(HeaderValues.text(parked.headers(), ReliableHeaders.MESSAGE_ID)).isEqualTo("bad-1");
				assertThat(HeaderValues.text(parked.headers(), ReliableHeaders.PARKED_REASON))
					.contains("retry." + ghost + " does not exist (for longer than 1s)");
				ConsumerRecord<byte[], byte[]> deadLettered = kafka.readAll("dlq." + ghostWithDeadLetters, 1).get(0);
				assertThat(HeaderValues.text(deadLettered.headers(), ReliableHeaders.MESSAGE_ID)).isEqualTo("bad-2");
				assertThat(HeaderValues.text(deadLettered.headers(), ReliableHeaders.PARKED_REASON))
					.contains("retry." + ghostWithDeadLetters);
			}
		}
	}

	static void tierRecord(KafkaTestClient kafka, TopicPartition tier, String group, String messageId,
			long dueTime) {
		kafka.send(tier.topic(), tier.partition(), messageId.getBytes(StandardCharsets.UTF_8),
				messageId.getBytes(StandardCharsets.UTF_8), ReliableHeaders.GROUP, group, ReliableHeaders.MESSAGE_ID,
				messageId, ReliableHeaders.RECONSUME_COUNT, "1", ReliableHeaders.DUE_TIME, Long.toString(dueTime));
	}

}
