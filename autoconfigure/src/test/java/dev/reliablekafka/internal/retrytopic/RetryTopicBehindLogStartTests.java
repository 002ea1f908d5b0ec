package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingOrderService;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A group that was down longer than its retry topic's retention finds its committed offset there below the log
 * start. It resumes from the log start, whatever {@code auto-offset-reset} says ({@code latest} would skip every
 * record still waiting for it), and says which records retention deleted.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
@ExtendWith(OutputCaptureExtension.class)
class RetryTopicBehindLogStartTests {

	@Parameter
	Broker broker;

	@Test
	void groupResumesFromTheLogStartWhenRetentionDeletedItsPosition(CapturedOutput output) throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			TopicPartition retry = new TopicPartition(kafka.createTopic("retry." + group, 1), 0);
			for (int i = 0; i < 5; i++) {
				kafka.send(retry.topic(), 0, "key", "retry " + i);
			}
			admin.alterConsumerGroupOffsets(group, Map.of(retry, new OffsetAndMetadata(0)))
				.all()
				.get(30, TimeUnit.SECONDS);
			// What retention does to a group that stayed away too long: records 0 to 2 are gone.
			admin.deleteRecords(Map.of(retry, RecordsToDelete.beforeOffset(3))).all().get(30, TimeUnit.SECONDS);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, ProcessingOrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.kafka.consumer.auto-offset-reset=latest")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> log.of("orders").size() >= 2);
				assertThat(log.of("orders")).extracting(ProcessingLog.Entry::value)
					.containsExactly("retry 3", "retry 4");
				assertThat(output).contains("Records at offsets 0 to 2 of " + retry + " were deleted by retention");
			}
		}
	}

}
