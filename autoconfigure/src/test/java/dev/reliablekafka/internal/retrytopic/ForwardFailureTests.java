package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.RetriedOnceOrderService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delay tier a failed record must go to is gone: the forward fails, so the record's offset is not committed
 * and it is retried in place; once the topic is back, the forward succeeds and the record is redelivered through
 * the retry topic. Nothing is lost.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class ForwardFailureTests {

	@Parameter
	Broker broker;

	@Test
	void recordStaysInPlaceUntilTheForwardSucceeds() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("forward");
			String tier = namespace + ".delay.300ms";
			TopicPartition source = new TopicPartition(topic, 0);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, RetriedOnceOrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"reliable.kafka.forward-timeout=1s",
					"reliable.kafka.listeners.orders.blocking.initial-interval=200ms",
					"reliable.kafka.listeners.orders.blocking.multiplier=1")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				admin.deleteTopics(List.of(tier)).all().get(30, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(30)).until(() -> !kafka.topics().contains(tier));
				kafka.send(topic, 0, "A", "A");

				await().atMost(Duration.ofSeconds(60)).until(() -> log.of("orders").size() >= 3);
				assertThat(log.of("orders")).allSatisfy(entry -> assertThat(entry.topic()).isEqualTo(topic));
				assertThat(kafka.committed(group, source)).isLessThanOrEqualTo(0);

				kafka.createTopic(tier, 1);
				await().atMost(Duration.ofSeconds(60)).until(() -> !log.succeeded("orders").isEmpty());
				assertThat(log.succeeded("orders").get(0).topic()).isEqualTo("retry." + group);
				assertThat(log.succeeded("orders").get(0).reconsumeCount()).isEqualTo("1");
				await().atMost(Duration.ofSeconds(30)).until(() -> kafka.committed(group, source) == 1);
			}
		}
	}

}
