package dev.reliablekafka.internal.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimpleMeters;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While a listener's outage breaker is open, the {@code reliableKafka} health contributor stays UP and shows the
 * breaker's state in the listener's details, and the {@code reliable.kafka.breaker.open} gauge is 1; once the
 * dependency is back the breaker closes, the gauge is 0 again and each state change was counted.
 */
class BreakerHealthTests {

	@Test
	void healthAndMetersFollowTheBreaker() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			for (int i = 0; i < 20; i++) {
				kafka.send(topic, 0, "order-" + i, "order-" + i);
			}
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group,
					"reliable.kafka.listeners.orders.breaker.enabled=true",
					"reliable.kafka.listeners.orders.breaker.window=10",
					"reliable.kafka.listeners.orders.breaker.min-failures=3",
					"reliable.kafka.listeners.orders.breaker.wait=300ms",
					"reliable.kafka.listeners.orders.breaker.max-wait=300ms")) {
				HealthIndicator health = (HealthIndicator) app.getBean(HealthContributorRegistry.class)
					.getContributor("reliableKafka");
				MeterRegistry meters = app.getBean(MeterRegistry.class);
				OrderService service = app.getBean(OrderService.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> !"CLOSED".equals(breaker(health.health()).get("state")));
				Health whileOpen = health.health();
				assertThat(whileOpen.getStatus()).isEqualTo(Status.UP);
				assertThat(breaker(whileOpen)).containsKeys("openSince", "failedTries", "keptPartitions");
				assertThat(meters.get("reliable.kafka.breaker.open").tag("listener", "orders").gauge().value())
					.isEqualTo(1.0);
				assertThat(transitions(meters, "opened")).isEqualTo(1.0);

				service.down.set(false);
				await().atMost(Duration.ofSeconds(30)).until(() -> "CLOSED".equals(breaker(health.health()).get("state")));
				assertThat(breaker(health.health())).doesNotContainKey("openSince");
				assertThat(meters.get("reliable.kafka.breaker.open").tag("listener", "orders").gauge().value()).isZero();
				assertThat(transitions(meters, "closed")).isEqualTo(1.0);
				assertThat(transitions(meters, "half-open")).isGreaterThanOrEqualTo(1.0);
			}
		}
	}

	private static double transitions(MeterRegistry meters, String state) {
		return meters.get("reliable.kafka.breaker.transitions")
			.tag("listener", "orders")
			.tag("state", state)
			.counter()
			.count();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> breaker(Health health) {
		Map<String, Object> listener = ((Map<String, Map<String, Object>>) health.getDetails().get("listeners"))
			.get("orders");
		return (Map<String, Object>) listener.get("breaker");
	}

	@Configuration(proxyBeanMethods = false)
	@Import(SimpleMeters.class)
	static class OrderService {

		final AtomicBoolean down = new AtomicBoolean(true);

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "300ms", firstDelayLevel = "1")
		void onOrder(ConsumerRecord<String, String> record) {
			if (this.down.get()) {
				throw new SimulatedDeadlockException("Database unavailable");
			}
		}

	}

}
