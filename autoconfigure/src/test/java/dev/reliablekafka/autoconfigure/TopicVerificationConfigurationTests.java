package dev.reliablekafka.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.internal.topics.TopicProvisioner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code reliable.kafka.topics.create=false} still checks at start-up that the topics exist, through the broker;
 * only {@code reliable.kafka.topics.verify=false} as well leaves the broker alone.
 */
class TopicVerificationConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, ReliableKafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "spring.kafka.listener.auto-startup=false",
				"reliable.kafka.topics.provisioning-timeout=1s", "reliable.kafka.topics.create=false")
		.withUserConfiguration(OrderListener.class);

	@Test
	void topicsAreVerifiedWhenTheyAreNotCreated() {
		this.runner.run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("could not make sure the topics [dlq.order-service] exist");
		});
	}

	@Test
	void verificationCanBeSkipped() {
		this.runner.withPropertyValues("reliable.kafka.topics.verify=false")
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TopicProvisioner.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		void onOrder(String order) {
		}

	}

}
