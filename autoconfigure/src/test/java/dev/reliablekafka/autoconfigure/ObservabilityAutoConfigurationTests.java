package dev.reliablekafka.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.health.ForwardFailures;
import dev.reliablekafka.internal.health.ReliableKafkaHealthIndicator;
import dev.reliablekafka.internal.metrics.ReliableKafkaMeters;
import dev.reliablekafka.internal.topics.TopicDepths;
import dev.reliablekafka.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meters need Micrometer and a meter registry, the health contributor needs Spring Boot's health support; without
 * them Reliable Kafka starts the same, with neither.
 */
class ObservabilityAutoConfigurationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create()
		.withConfiguration(AutoConfigurations.of(ReliableKafkaObservabilityAutoConfiguration.class))
		.withPropertyValues("spring.application.name=shop")
		.withUserConfiguration(OrderListener.class);

	@Test
	void registersMetersInTheApplicationsRegistry() {
		this.runner.withUserConfiguration(Registry.class).run(context -> {
			assertThat(context).hasSingleBean(ReliableKafkaMeters.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("reliable.kafka.records.failed")
				.tag("listener", "orders")
				.tag("group", "order-service")
				.tag("outcome", "forwarded")
				.tag("level", "10s")
				.counter()
				.count()).isZero();
			assertThat(registry.get("reliable.kafka.partitions.backoff").tag("listener", "orders").gauge().value())
				.isZero();
		});
	}

	@Test
	void noMetersWithoutARegistry() {
		this.runner.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ReliableKafkaMeters.class);
			// The endpoint reads the depths of the topics, meters or not.
			assertThat(context).hasSingleBean(TopicDepths.class);
		});
	}

	@Test
	void noMetersWithoutMicrometer() {
		this.runner.withUserConfiguration(Registry.class)
			.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ReliableKafkaMeters.class);
			});
	}

	@Test
	void registersTheHealthContributor() {
		this.runner.run(context -> {
			assertThat(context).hasSingleBean(ForwardFailures.class);
			assertThat(context).hasBean("reliableKafkaHealthIndicator");
			HealthIndicator health = context.getBean(ReliableKafkaHealthIndicator.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(health.health().getDetails()).containsKeys("listeners", "scheduler");
		});
	}

	@Test
	void noHealthContributorWithoutSpringBootsHealthSupport() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health")).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ReliableKafkaHealthIndicator.class);
			assertThat(context).doesNotHaveBean(ForwardFailures.class);
		});
	}

	@Test
	void healthContributorCanBeTurnedOff() {
		this.runner.withPropertyValues("management.health.reliablekafka.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(ReliableKafkaHealthIndicator.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service",
				mode = ReliableMode.RETRY_TOPIC)
		void onOrder(String order) {
		}

	}

}
