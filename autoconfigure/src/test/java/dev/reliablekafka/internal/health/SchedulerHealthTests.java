package dev.reliablekafka.internal.health;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.retrytopic.DelayTierScheduler;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code reliableKafka} health contributor is DOWN while the delay tier scheduler's consumer is stopped, and
 * UP again once it consumes; its details show the listener and the scheduler's assignment.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class SchedulerHealthTests {

	@Parameter
	Broker broker;

	@Test
	void downWhileTheSchedulerIsStoppedAndUpOnceItConsumesAgain() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("health");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace)) {
				HealthIndicator health = (HealthIndicator) app.getBean(HealthContributorRegistry.class)
					.getContributor("reliableKafka");
				assertThat(health).isNotNull();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> !scheduler(health.health()).get("assignment").toString().equals("[]"));
				Health up = health.health();
				assertThat(up.getStatus()).isEqualTo(Status.UP);
				assertThat(scheduler(up)).containsEntry("consuming", true)
					.containsEntry("group", namespace + ".delay-scheduler")
					.extractingByKey("assignment")
					.asString()
					.contains(namespace + ".delay.200ms-0");
				assertThat(listener(up)).containsEntry("mode", "RETRY_TOPIC")
					.containsEntry("group", group)
					.containsEntry("running", true);

				DelayTierScheduler scheduler = app.getBean(DelayTierScheduler.class);
				scheduler.stop();
				Health down = health.health();
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(scheduler(down)).containsEntry("consuming", false).containsKey("problem");

				scheduler.start();
				await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
				assertThat(scheduler(health.health())).containsEntry("consuming", true);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> scheduler(Health health) {
		return (Map<String, Object>) health.getDetails().get("scheduler");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> listener(Health health) {
		return ((Map<String, Map<String, Object>>) health.getDetails().get("listeners")).get("orders");
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "200ms", firstDelayLevel = "1", maxReconsumeTimes = "1")
		void onOrder(ConsumerRecord<String, String> record) {
		}

	}

}
