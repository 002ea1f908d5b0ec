package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingOrderService;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The instance that parked a record wrote its due time with its own clock, which runs ten minutes ahead of the
 * broker's: the due time header already lies in the past. On a tier with the broker's append times, the record is
 * still due only at its append time plus its level's delay, so one clock (the broker's) decides.
 */
class LogAppendTimeDueTimeTests {

	private static final long DELAY_MILLIS = 3000;

	@Test
	void recordIsDueAtItsAppendTimePlusTheDelay() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("clock");
			String tier = namespace + ".delay.3s";
			admin.createTopics(List.of(new NewTopic(tier, 1, (short) 1)
				.configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, ProcessingOrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"test.delay-levels=3s", "test.first-delay-level=1", "test.max-reconsume-times=1")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				long skewedDueTime = System.currentTimeMillis() - 600_000;
				RecordMetadata appended = kafka.send(tier, 0, "A".getBytes(StandardCharsets.UTF_8),
						"A".getBytes(StandardCharsets.UTF_8), ReliableHeaders.GROUP, group,
						ReliableHeaders.MESSAGE_ID, "m-1", ReliableHeaders.RECONSUME_COUNT, "1",
						ReliableHeaders.DUE_TIME, Long.toString(skewedDueTime), ReliableHeaders.DELAY,
						Long.toString(DELAY_MILLIS));

				await().atMost(Duration.ofSeconds(30)).until(() -> !log.succeeded("orders").isEmpty());
				ConsumerRecord<byte[], byte[]> handedOver = kafka.readAll("retry." + group, 1).get(0);
				assertThat(handedOver.timestamp()).as("hand-off time against append time + delay")
					.isGreaterThanOrEqualTo(appended.timestamp() + DELAY_MILLIS);
			}
		}
	}

}
