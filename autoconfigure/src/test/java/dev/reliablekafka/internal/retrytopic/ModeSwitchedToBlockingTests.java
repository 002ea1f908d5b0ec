package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A RETRY_TOPIC listener is switched to BLOCKING in a rolling deploy while its failed orders wait in a delay
 * tier: the new instance still has a scheduler for the namespace's tiers and still consumes the group's retry
 * topic, so every order parked under the old mode is delivered to the BLOCKING listener.
 */
class ModeSwitchedToBlockingTests {

	@Test
	void ordersParkedUnderRetryTopicReachTheBlockingListener() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			RollingDeploy deploy = new RollingDeploy(kafka);
			try (ConfigurableApplicationContext newInstance = deploy.deploy(
					List.of("test.fail=true", "reliable.kafka.listeners.orders.mode=RETRY_TOPIC",
							"reliable.kafka.listeners.orders.retry-topic.delay-levels=12s",
							"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1"),
					1, List.of("reliable.kafka.listeners.orders.mode=BLOCKING"))) {
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(RollingDeploy.processed(newInstance))
						.containsExactlyInAnyOrderElementsOf(RollingDeploy.ORDERS));
				// The BLOCKING listener believes the group's retry topic: each order keeps the message id of its
				// first delivery from the source topic.
				assertThat(newInstance.getBean(ProcessingLog.class).succeeded("orders"))
					.allSatisfy(entry -> assertThat(entry.topic()).startsWith("retry."))
					.extracting(ProcessingLog.Entry::messageId)
					.containsExactlyInAnyOrder(deploy.topic + "-0-0", deploy.topic + "-0-1", deploy.topic + "-0-2",
							deploy.topic + "-0-3");
			}
		}
	}

}
