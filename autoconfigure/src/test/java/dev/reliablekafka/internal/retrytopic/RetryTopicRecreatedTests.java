package dev.reliablekafka.internal.retrytopic;

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
 * A due delay tier record names a group whose retry topic does not exist for a few seconds (it is being
 * recreated); a good record waits behind it in the same tier partition. The record waits for the topic and is
 * handed over once it exists, unchanged: it is not parked, and nothing of the tier is committed before it.
 */
class RetryTopicRecreatedTests {

	@Test
	void dueRecordWaitsForItsRetryTopicToBeRecreated() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String recreated = KafkaTestClient.unique("recreated");
			String namespace = KafkaTestClient.unique("wait");
			TopicPartition tier = new TopicPartition(namespace + ".delay.1s", 0);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, ProcessingOrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"test.delay-levels=1s", "test.first-delay-level=1", "test.max-reconsume-times=1")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				long now = System.currentTimeMillis();
				UndeliverableTierRecordTests.tierRecord(kafka, tier, recreated, "late", now);
				UndeliverableTierRecordTests.tierRecord(kafka, tier, group, "good", now);

				// Several tries while the retry topic is missing: the tier partition waits at the record.
				await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
				assertThat(kafka.committed(namespace + ".delay-scheduler", tier)).isLessThanOrEqualTo(0);
				assertThat(log.succeeded("orders")).isEmpty();

				kafka.createTopic("retry." + recreated, 1);

				ConsumerRecord<byte[], byte[]> handedOver = kafka.readAll("retry." + recreated, 1).get(0);
				assertThat(HeaderValues.text(handedOver.headers(), ReliableHeaders.MESSAGE_ID)).isEqualTo("late");
				assertThat(handedOver.headers().lastHeader(ReliableHeaders.PARKED_REASON)).isNull();
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(kafka.committed(namespace + ".delay-scheduler", tier)).isEqualTo(2));
				await().atMost(Duration.ofSeconds(15)).until(() -> !log.succeeded("orders").isEmpty());
				assertThat(kafka.topics()).doesNotContain(namespace + ".delay.parked", "dlq." + recreated);
			}
		}
	}

}
