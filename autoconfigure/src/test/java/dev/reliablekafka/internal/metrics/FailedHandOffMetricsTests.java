package dev.reliablekafka.internal.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimpleMeters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A group's retry topic is deleted after the scheduler handed a record to it: the next hand-off there fails and
 * is counted, and once the topic stayed missing for the patience the record goes to the group's dead-letter topic,
 * which counts as a hand-off.
 */
class FailedHandOffMetricsTests {

	@Test
	void countsTheFailedHandOffAndTheHandOffsBeforeAndAfterIt() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String other = KafkaTestClient.unique("other-service");
			kafka.createTopic("retry." + other, 1);
			kafka.createTopic("dlq." + other, 1);
			String namespace = KafkaTestClient.unique("handoff");
			TopicPartition tier = new TopicPartition(namespace + ".delay.1s", 0);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"reliable.kafka.forward-timeout=2s", "reliable.kafka.topics.unavailable-patience=1s")) {
				MeterRegistry meters = app.getBean(MeterRegistry.class);
				tierRecord(kafka, tier, other, "first");
				await().atMost(Duration.ofSeconds(30)).until(() -> handOffs(meters, tier.topic()) == 1);
				assertThat(kafka.endOffset(new TopicPartition("retry." + other, 0))).isEqualTo(1);

				admin.deleteTopics(List.of("retry." + other)).all().get(30, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(30)).until(() -> !kafka.topics().contains("retry." + other));
				tierRecord(kafka, tier, other, "second");

				await().atMost(Duration.ofSeconds(60))
					.until(() -> kafka.endOffset(new TopicPartition("dlq." + other, 0)) == 1);
				await().atMost(Duration.ofSeconds(30)).until(() -> handOffs(meters, tier.topic()) == 2);
				assertThat(meters.get(ReliableKafkaMeters.HANDOFFS_FAILED).tag("tier", tier.topic()).counter().count())
					.isEqualTo(1);
				assertThat(meters.get(ReliableKafkaMeters.HANDOFF_LATENESS).tag("tier", tier.topic()).timer().count())
					.isEqualTo(2);
			}
		}
	}

	private static double handOffs(MeterRegistry meters, String tier) {
		return meters.get(ReliableKafkaMeters.HANDOFFS).tag("tier", tier).counter().count();
	}

	private static void tierRecord(KafkaTestClient kafka, TopicPartition tier, String group, String messageId) {
		kafka.send(tier.topic(), tier.partition(), messageId.getBytes(StandardCharsets.UTF_8),
				messageId.getBytes(StandardCharsets.UTF_8), ReliableHeaders.GROUP, group, ReliableHeaders.MESSAGE_ID,
				messageId, ReliableHeaders.RECONSUME_COUNT, "1", ReliableHeaders.DUE_TIME,
				Long.toString(System.currentTimeMillis()));
	}

	@Configuration(proxyBeanMethods = false)
	@Import(SimpleMeters.class)
	static class OrderService {

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "1s", firstDelayLevel = "1", maxReconsumeTimes = "1")
		void onOrder(ConsumerRecord<String, String> record) {
		}

	}

}
