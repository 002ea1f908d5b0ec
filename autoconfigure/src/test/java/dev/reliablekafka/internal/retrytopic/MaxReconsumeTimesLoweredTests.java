package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code max-reconsume-times} is lowered in a rolling deploy while failed orders wait at a level the new
 * configuration no longer reaches: the new instance's scheduler still hands them over, and an order that fails
 * again past the new maximum goes to the dead-letter topic.
 */
class MaxReconsumeTimesLoweredTests {

	@Test
	void ordersParkedPastTheNewMaximumEndInTheDeadLetterTopic() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			RollingDeploy deploy = new RollingDeploy(kafka);
			try (ConfigurableApplicationContext newInstance = deploy.deploy(
					List.of("test.fail=true", "reliable.kafka.listeners.orders.mode=RETRY_TOPIC",
							"reliable.kafka.listeners.orders.retry-topic.delay-levels=200ms,12s",
							"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1",
							"reliable.kafka.listeners.orders.retry-topic.max-reconsume-times=16"),
					2, List.of("test.fail=true", "reliable.kafka.listeners.orders.mode=RETRY_TOPIC",
							"reliable.kafka.listeners.orders.retry-topic.delay-levels=200ms",
							"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1",
							"reliable.kafka.listeners.orders.retry-topic.max-reconsume-times=1"))) {
				List<String> deadLettered = kafka.readAll("dlq." + deploy.group, RollingDeploy.ORDERS.size())
					.stream()
					.map(record -> new String(record.value(), StandardCharsets.UTF_8))
					.toList();
				assertThat(deadLettered).containsExactlyInAnyOrderElementsOf(RollingDeploy.ORDERS);
			}
		}
	}

}
