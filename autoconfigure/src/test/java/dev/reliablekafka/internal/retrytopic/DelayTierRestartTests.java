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
import dev.reliablekafka.test.ProcessingLog.Entry;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.RetriedOnceOrderService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record parked in a delay tier lives in Kafka, not in memory: the application stops before it is due, and
 * the next start redelivers it.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class DelayTierRestartTests {

	@Parameter
	Broker broker;

	@Test
	void parkedRecordSurvivesARestart() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("restart");
			String[] properties = { "test.topic=" + topic, "test.group=" + group,
					"spring.application.name=" + namespace, "test.delay-levels=3s" };
			kafka.send(topic, 0, "A", "A");

			try (ConfigurableApplicationContext first = ReliableTestApp.run(kafka, RetriedOnceOrderService.class,
					properties)) {
				ProcessingLog log = first.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.endOffset(new TopicPartition(namespace + ".delay.3s", 0)) == 1);
				assertThat(log.of("orders")).hasSize(1);
			}

			try (ConfigurableApplicationContext second = ReliableTestApp.run(kafka, RetriedOnceOrderService.class,
					properties)) {
				ProcessingLog log = second.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> !log.succeeded("orders").isEmpty());
				Entry redelivery = log.of("orders").get(0);
				assertThat(log.of("orders")).hasSize(1);
				assertThat(redelivery.topic()).isEqualTo("retry." + group);
				assertThat(redelivery.reconsumeCount()).isEqualTo("1");
				assertThat(redelivery.messageId()).isEqualTo(topic + "-0-0");
			}
		}
	}

}
