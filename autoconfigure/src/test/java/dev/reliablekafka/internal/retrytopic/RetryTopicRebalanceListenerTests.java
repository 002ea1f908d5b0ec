package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingOrderService;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record handed to the group's retry topic before the group ever committed an offset there (by another
 * instance's scheduler, or while the application was down) is consumed, even with
 * {@code auto.offset.reset=latest}; source topics keep that policy.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class RetryTopicRebalanceListenerTests {

	@Parameter
	Broker broker;

	@Test
	void retryTopicIsReadFromTheBeginningWhenTheGroupHasNoOffsetThere() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			kafka.createTopic("retry." + group, 1);
			kafka.send("retry." + group, 0, "A", "handed over");
			kafka.send(topic, 0, "old", "before start");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, ProcessingOrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.kafka.consumer.auto-offset-reset=latest")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> !log.of("orders").isEmpty());
				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition("retry." + group, 0)) == 1);
				// "latest" still applies to the source topic: the record written before start is not read.
				kafka.send(topic, 0, "new", "after start");
				await().atMost(Duration.ofSeconds(30)).until(() -> log.of("orders").size() == 2);
				assertThat(log.of("orders")).extracting(ProcessingLog.Entry::value)
					.containsExactly("handed over", "after start");
			}
		}
	}

}
