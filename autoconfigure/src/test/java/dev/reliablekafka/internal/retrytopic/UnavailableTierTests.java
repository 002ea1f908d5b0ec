package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delay tier a failed record must go to is gone, so the producer has no metadata for it. The forward fails,
 * but the consumer's other partitions must not wait for the forward timeout (here a minute): the record on them
 * is processed well before it.
 */
class UnavailableTierTests {

	@Test
	void otherPartitionsGoOnWhileATierIsUnavailable() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 2);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("unavailable");
			String tier = namespace + ".delay.300ms";

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"reliable.kafka.forward-timeout=60s")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				admin.deleteTopics(List.of(tier)).all().get(30, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(30)).until(() -> !kafka.topics().contains(tier));

				kafka.send(topic, 0, "A", "fail");
				await().atMost(Duration.ofSeconds(30)).until(() -> !log.of("orders").isEmpty());
				kafka.send(topic, 1, "B", "ok");

				// Well within the forward timeout, though A's forward keeps failing.
				await().atMost(Duration.ofSeconds(30)).until(() -> !log.succeeded("orders").isEmpty());
				assertThat(log.succeeded("orders").get(0).value()).isEqualTo("ok");
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		private final ProcessingLog log;

		OrderService(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "300ms", firstDelayLevel = "1", maxReconsumeTimes = "1")
		void onOrder(ConsumerRecord<String, String> record) {
			boolean ok = "ok".equals(record.value());
			this.log.add("orders", record, ok);
			if (!ok) {
				throw new SimulatedDeadlockException("Deadlock processing order " + record.key());
			}
		}

	}

}
