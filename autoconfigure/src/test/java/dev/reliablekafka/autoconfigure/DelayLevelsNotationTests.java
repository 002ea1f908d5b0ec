package dev.reliablekafka.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delay levels written as the README's table shows them, separated by spaces, bind like the comma-separated form.
 */
class DelayLevelsNotationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create()
		.withPropertyValues("spring.kafka.bootstrap-servers=" + Broker.EMBEDDED.bootstrapServers(),
				"spring.application.name=shop")
		.withUserConfiguration(RetryListener.class);

	@ParameterizedTest
	@ValueSource(strings = { "1s 5s 10s", "1s,5s,10s", "1s, 5s, 10s", " 1s  5s,10s " })
	void defaults(String levels) {
		assertLevels("reliable.kafka.defaults.retry-topic.delay-levels=" + levels);
	}

	@ParameterizedTest
	@ValueSource(strings = { "1s 5s 10s", "1s,5s,10s" })
	void ofOneListener(String levels) {
		assertLevels("reliable.kafka.listeners.orders.retry-topic.delay-levels=" + levels);
	}

	private void assertLevels(String property) {
		this.runner.withPropertyValues(property).run(context -> {
			assertThat(context).hasNotFailed();
			List<Duration> delays = context.getBean(ListenerPolicies.class)
				.find("orders")
				.retryTopic()
				.levels()
				.stream()
				.map(DelayLevel::delay)
				.toList();
			assertThat(delays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class RetryListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service",
				mode = ReliableMode.RETRY_TOPIC)
		void onOrder(String order) {
		}

	}

}
