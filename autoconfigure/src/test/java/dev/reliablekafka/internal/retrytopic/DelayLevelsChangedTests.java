package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delay levels change in a rolling deploy while failed orders wait in a tier of an old level: the new
 * instance's scheduler subscribes to every tier of the namespace, so they are still delivered.
 */
class DelayLevelsChangedTests {

	@Test
	void ordersParkedAtAnOldLevelAreDelivered() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			RollingDeploy deploy = new RollingDeploy(kafka);
			try (ConfigurableApplicationContext newInstance = deploy.deploy(
					List.of("test.fail=true", "reliable.kafka.listeners.orders.mode=RETRY_TOPIC",
							"reliable.kafka.listeners.orders.retry-topic.delay-levels=12s",
							"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1"),
					1, List.of("reliable.kafka.listeners.orders.mode=RETRY_TOPIC",
							"reliable.kafka.listeners.orders.retry-topic.delay-levels=300ms,1s",
							"reliable.kafka.listeners.orders.retry-topic.first-delay-level=2"))) {
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(RollingDeploy.processed(newInstance))
						.containsExactlyInAnyOrderElementsOf(RollingDeploy.ORDERS));
			}
		}
	}

}
