package dev.reliablekafka.internal.policy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.OfflineContextRunner;

import static dev.reliablekafka.test.StartupFailures.configurationCause;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each setting is taken from {@code reliable.kafka.listeners.<id>}, else from what the annotation states
 * explicitly, else from {@code reliable.kafka.defaults}, else from the built-in default: a blanket default never
 * overrides what a listener's annotation says, such as {@code mode = BLOCKING} for a listener that needs order.
 */
class SettingPrecedenceTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create()
		.withPropertyValues("spring.application.name=shop");

	@Test
	void explicitModeOnTheAnnotationWinsOverTheDefaultsAndLosesToTheListenersProperties() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("reliable.kafka.defaults.mode=RETRY_TOPIC",
					"reliable.kafka.listeners.overridden.mode=RETRY_TOPIC")
			.run(context -> {
				ListenerPolicies policies = context.getBean(ListenerPolicies.class);
				assertThat(policies.find("ordered").mode()).isEqualTo(ReliableMode.BLOCKING);
				assertThat(policies.find("unstated").mode()).isEqualTo(ReliableMode.RETRY_TOPIC);
				assertThat(policies.find("overridden").mode()).isEqualTo(ReliableMode.RETRY_TOPIC);
			});
	}

	@Test
	void withoutAnySettingTheModeIsBlocking() {
		this.runner.withUserConfiguration(Listeners.class)
			.run(context -> assertThat(context.getBean(ListenerPolicies.class).find("unstated").mode())
				.isEqualTo(ReliableMode.BLOCKING));
	}

	@Test
	void explicitBackOffWinsOverTheDefaultsButTheBackOffAnnotationsOwnDefaultsDoNot() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("reliable.kafka.defaults.blocking.initial-interval=2s",
					"reliable.kafka.defaults.blocking.multiplier=1.5",
					"reliable.kafka.defaults.blocking.max-attempts=4",
					"reliable.kafka.listeners.overridden.blocking.max-attempts=7")
			.run(context -> {
				ListenerPolicies policies = context.getBean(ListenerPolicies.class);
				BlockingPolicy ordered = policies.find("ordered").blocking();
				assertThat(ordered.initialInterval()).isEqualTo(Duration.ofMillis(100));
				assertThat(ordered.multiplier()).isEqualTo(1.5);
				assertThat(ordered.maxAttempts()).isEqualTo(3);
				// @BackOff() says delay = 1000 whether or not it was written: only delayString states it.
				BlockingPolicy unstated = policies.find("unstated").blocking();
				assertThat(unstated.initialInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(unstated.maxAttempts()).isEqualTo(4);
				BlockingPolicy overridden = policies.find("overridden").blocking();
				assertThat(overridden.initialInterval()).isEqualTo(Duration.ofSeconds(1));
				assertThat(overridden.maxAttempts()).isEqualTo(7);
			});
	}

	@Test
	void notRetryableExceptionsAddUpFromEverySource() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("reliable.kafka.defaults.not-retryable-exceptions=java.io.IOException",
					"reliable.kafka.listeners.ordered.not-retryable-exceptions=java.util.concurrent.TimeoutException")
			.run(context -> assertThat(context.getBean(ListenerPolicies.class).find("ordered").notRetryable())
				.contains(IllegalArgumentException.class, IOException.class, TimeoutException.class));
	}

	@Test
	void theAnnotationsNotSetModeCannotBeAPropertyValue() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("reliable.kafka.defaults.mode=DEFAULT")
			.run(context -> {
				assertThat(context).hasFailed();
				assertThat(configurationCause(context.getStartupFailure()))
					.hasMessageContaining("Reliable listener 'unstated': reliable.kafka.defaults.mode is DEFAULT");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@ReliableListener(id = "ordered", topics = "OrderTopic", groupId = "ordered", mode = ReliableMode.BLOCKING,
				backOff = @BackOff(delay = 100), maxAttempts = "3", notRetryable = IllegalArgumentException.class)
		void ordered(String order) {
		}

		@ReliableListener(id = "unstated", topics = "OrderTopic", groupId = "unstated", backOff = @BackOff)
		void unstated(String order) {
		}

		@ReliableListener(id = "overridden", topics = "OrderTopic", groupId = "overridden",
				mode = ReliableMode.BLOCKING, backOff = @BackOff(delayString = "1s"), maxAttempts = "2")
		void overridden(String order) {
		}

	}

}
