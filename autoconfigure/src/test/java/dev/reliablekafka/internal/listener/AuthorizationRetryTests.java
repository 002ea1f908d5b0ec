package dev.reliablekafka.internal.listener;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.autoconfigure.ReliableKafkaAutoConfiguration;
import dev.reliablekafka.test.Broker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reliable container whose consumer is refused (authentication or authorization, e.g. an ACL on the retry topic
 * changed for a while) tries again instead of stopping for good, as the delay-tier scheduler does: spring-kafka
 * stops a container on such an error unless it has a retry interval, and Boot sets none by default.
 */
class AuthorizationRetryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, ReliableKafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=" + Broker.EMBEDDED.bootstrapServers(),
				"spring.kafka.listener.auto-startup=false", "reliable.kafka.topics.create=false",
				"reliable.kafka.topics.verify=false", "spring.application.name=shop")
		.withUserConfiguration(RetryListener.class);

	@Test
	void triesAgainAfterTenSecondsByDefault() {
		this.runner.run(context -> assertThat(interval(context.getBean(KafkaListenerEndpointRegistry.class)))
			.isEqualTo(Duration.ofSeconds(10)));
	}

	@Test
	void keepsTheIntervalTheApplicationSets() {
		this.runner.withPropertyValues("spring.kafka.listener.auth-exception-retry-interval=3s")
			.run(context -> assertThat(interval(context.getBean(KafkaListenerEndpointRegistry.class)))
				.isEqualTo(Duration.ofSeconds(3)));
	}

	private static Duration interval(KafkaListenerEndpointRegistry registry) {
		return registry.getListenerContainer("orders").getContainerProperties().getAuthExceptionRetryInterval();
	}

	@Configuration(proxyBeanMethods = false)
	static class RetryListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service",
				mode = ReliableMode.RETRY_TOPIC)
		void onOrder(String order) {
		}

	}

}
