package dev.reliablekafka.internal.policy;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.OfflineContextRunner;

import static dev.reliablekafka.test.StartupFailures.configurationCause;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outage breaker is off unless a listener turns it on, by annotation or property (with the usual precedence);
 * its settings are resolved per listener, and a bad value stops start-up naming the property and the fix.
 */
class BreakerConfigurationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create()
		.withUserConfiguration(Listeners.class);

	@Test
	void offUnlessTurnedOnAndResolvedPerListener() {
		this.runner
			.withPropertyValues("reliable.kafka.defaults.breaker.window=20",
					"reliable.kafka.defaults.breaker.min-failures=5",
					"reliable.kafka.listeners.payments.breaker.enabled=true",
					"reliable.kafka.listeners.payments.breaker.wait=200ms",
					"reliable.kafka.listeners.payments.breaker.outage-exceptions=java.net.ConnectException")
			.run(context -> {
				ListenerPolicies policies = context.getBean(ListenerPolicies.class);
				assertThat(policies.find("audit").breaker()).isEqualTo(BreakerPolicy.DISABLED);
				assertThat(policies.find("audit").origins()).doesNotContainKeys("breaker.enabled", "breaker.window");
				BreakerPolicy orders = policies.find("orders").breaker();
				assertThat(orders.enabled()).isTrue();
				assertThat(orders.window()).isEqualTo(20);
				assertThat(orders.minFailures()).isEqualTo(5);
				assertThat(orders.failureRate()).isEqualTo(0.8);
				assertThat(orders.firstWait()).isEqualTo(Duration.ofSeconds(5));
				assertThat(policies.find("orders").origins()).containsEntry("breaker.enabled", "annotation")
					.containsEntry("breaker.window", "defaults")
					.containsEntry("breaker.failure-rate", "built-in");
				BreakerPolicy payments = policies.find("payments").breaker();
				assertThat(payments.enabled()).isTrue();
				assertThat(payments.firstWait()).isEqualTo(Duration.ofMillis(200));
				assertThat(payments.outageExceptions()).isEqualTo(List.of(ConnectException.class));
				assertThat(payments.waitAfter(3)).isEqualTo(Duration.ofMillis(1600));
				assertThat(payments.waitAfter(20)).isEqualTo(Duration.ofMinutes(1));
			});
	}

	@Test
	void aListenerPropertyTurnsOffWhatTheAnnotationTurnedOn() {
		this.runner.withPropertyValues("reliable.kafka.listeners.orders.breaker.enabled=false")
			.run(context -> assertThat(context.getBean(ListenerPolicies.class).find("orders").breaker().enabled())
				.isFalse());
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', value = {
			"reliable.kafka.defaults.breaker.failure-rate=0; reliable.kafka.defaults.breaker.failure-rate is 0.0 but must be above 0 and at most 1",
			"reliable.kafka.listeners.orders.breaker.failure-rate=1.5; reliable.kafka.listeners.orders.breaker.failure-rate is 1.5 but must be above 0 and at most 1",
			"reliable.kafka.defaults.breaker.window=0; reliable.kafka.defaults.breaker.window is 0 but must be at least 1",
			"reliable.kafka.defaults.breaker.min-failures=0; reliable.kafka.defaults.breaker.min-failures is 0 but must be from 1 to the window's 50",
			"reliable.kafka.listeners.orders.breaker.min-failures=60; reliable.kafka.listeners.orders.breaker.min-failures is 60 but must be from 1 to the window's 50 (from the built-in default of breaker.window)",
			"reliable.kafka.defaults.breaker.wait=-1s; reliable.kafka.defaults.breaker.wait is -1s but must be positive",
			"reliable.kafka.defaults.breaker.wait-multiplier=0.5; reliable.kafka.defaults.breaker.wait-multiplier is 0.5 but must be at least 1",
			"reliable.kafka.defaults.breaker.max-wait=1s; reliable.kafka.defaults.breaker.max-wait is 1s but is shorter than the wait 5s" })
	void badValuesFailStartUpNamingTheProperty(String property, String message) {
		this.runner.withPropertyValues(property).run(context -> {
			assertThat(context).hasFailed();
			ReliableKafkaConfigurationException cause = configurationCause(context.getStartupFailure());
			assertThat(cause.getMessage()).contains(message);
			assertThat(cause.getFix()).isNotBlank();
		});
	}

	@Test
	void unparsableAnnotationValue() {
		OfflineContextRunner.create()
			.withUserConfiguration(UnparsableListener.class)
			.run(context -> {
				assertThat(context).hasFailed();
				assertThat(configurationCause(context.getStartupFailure()).getMessage())
					.contains("@ReliableListener(breaker) on UnparsableListener.onOrder has the unparsable value 'yes'");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "orders", breaker = "true")
		void orders(String order) {
		}

		@ReliableListener(id = "payments", topics = "PaymentTopic", groupId = "payments")
		void payments(String payment) {
		}

		@ReliableListener(id = "audit", topics = "OrderTopic", groupId = "audit")
		void audit(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnparsableListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "orders", breaker = "${breaker:yes}")
		void onOrder(String order) {
		}

	}

}
