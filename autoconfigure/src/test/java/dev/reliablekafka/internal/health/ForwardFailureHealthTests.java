package dev.reliablekafka.internal.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
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
import org.springframework.context.annotation.Import;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.RetriedOnceOrderService;
import dev.reliablekafka.test.SimpleMeters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delay tier of a failed record is gone, so its forwards fail: once they have failed for longer than the
 * threshold, the {@code reliableKafka} health contributor is DOWN, naming the listener; when the tier is back and a
 * forward succeeds, it is UP again. Every failed forward is counted.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class ForwardFailureHealthTests {

	@Parameter
	Broker broker;

	@Test
	void downWhileForwardsFailLongerThanTheThresholdAndUpOnceOneSucceeds() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("failing");
			String tier = namespace + ".delay.300ms";

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderServiceWithMeters.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"reliable.kafka.forward-timeout=1s", "reliable.kafka.health.forward-failure-threshold=1s",
					"reliable.kafka.listeners.orders.blocking.initial-interval=200ms",
					"reliable.kafka.listeners.orders.blocking.multiplier=1")) {
				HealthIndicator health = (HealthIndicator) app.getBean(HealthContributorRegistry.class)
					.getContributor("reliableKafka");
				MeterRegistry meters = app.getBean(MeterRegistry.class);
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
				admin.deleteTopics(List.of(tier)).all().get(30, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(30)).until(() -> !kafka.topics().contains(tier));
				kafka.send(topic, 0, "A", "A");

				await().atMost(Duration.ofSeconds(60)).until(() -> health.health().getStatus().equals(Status.DOWN));
				Map<String, Object> orders = listener(health.health());
				assertThat(orders).containsKeys("forwardsFailingSince", "problem");
				assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

				kafka.createTopic(tier, 1);
				await().atMost(Duration.ofSeconds(60)).until(() -> health.health().getStatus().equals(Status.UP));
				assertThat(listener(health.health())).doesNotContainKey("forwardsFailingSince");
				await().atMost(Duration.ofSeconds(60)).until(() -> !log.succeeded("orders").isEmpty());

				// Every delivery from the source topic but the last tried one forward, which failed.
				int fromSource = (int) log.of("orders").stream().filter(entry -> entry.topic().equals(topic)).count();
				assertThat(fromSource).isGreaterThanOrEqualTo(3);
				assertThat(failed(meters, "forward-failed", "none")).isEqualTo(fromSource - 1);
				assertThat(failed(meters, "forwarded", "300ms")).isEqualTo(1);
			}
		}
	}

	private static double failed(MeterRegistry meters, String outcome, String level) {
		return meters.get("reliable.kafka.records.failed")
			.tag("listener", "orders")
			.tag("outcome", outcome)
			.tag("level", level)
			.counter()
			.count();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> listener(Health health) {
		return ((Map<String, Map<String, Object>>) health.getDetails().get("listeners")).get("orders");
	}

	@Configuration(proxyBeanMethods = false)
	@Import({ RetriedOnceOrderService.class, SimpleMeters.class })
	static class OrderServiceWithMeters {

	}

}
