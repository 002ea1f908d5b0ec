package dev.reliablekafka.internal.policy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resolved policy says where each of its settings came from, by the same precedence that picked the value:
 * {@code listeners.<id>}, then the annotation, then {@code defaults}, then the built-in default.
 */
class PolicyOriginsTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create()
		.withPropertyValues("spring.application.name=shop");

	@Test
	void eachSettingNamesTheSourceItCameFrom() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("reliable.kafka.defaults.mode=BLOCKING",
					"reliable.kafka.defaults.blocking.multiplier=1.5",
					"reliable.kafka.defaults.blocking.max-attempts=9",
					"reliable.kafka.defaults.retry-topic.max-reconsume-times=4",
					"reliable.kafka.defaults.not-retryable-exceptions=java.io.IOException",
					"reliable.kafka.listeners.orders.blocking.max-attempts=5",
					"reliable.kafka.listeners.orders.retry-topic.first-delay-level=2")
			.run(context -> {
				ListenerPolicy orders = context.getBean(ListenerPolicies.class).find("orders");
				assertThat(orders.blocking().maxAttempts()).isEqualTo(5);
				assertThat(orders.origins()).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
						Map.entry("mode", "annotation"),
						Map.entry("blocking.initial-interval", "annotation"),
						Map.entry("blocking.multiplier", "defaults"),
						Map.entry("blocking.max-interval", "built-in"),
						Map.entry("blocking.jitter", "built-in"),
						Map.entry("blocking.max-attempts", "listeners.orders"),
						Map.entry("dead-letter.enabled", "built-in"),
						Map.entry("retry-topic.delay-levels", "annotation"),
						Map.entry("retry-topic.first-delay-level", "listeners.orders"),
						Map.entry("retry-topic.max-reconsume-times", "defaults"),
						Map.entry("not-retryable-exceptions", "built-in,annotation,defaults")));

				// BLOCKING resolves no retry-topic setting, so none has an origin.
				ListenerPolicy audit = context.getBean(ListenerPolicies.class).find("audit");
				assertThat(audit.origins()).containsEntry("mode", "defaults")
					.containsEntry("blocking.max-attempts", "defaults")
					.containsEntry("blocking.initial-interval", "built-in")
					.containsEntry("not-retryable-exceptions", "built-in,defaults")
					.doesNotContainKeys("retry-topic.delay-levels", "retry-topic.max-reconsume-times");
			});
	}

	@Test
	void originsAreKeptWhenABlockingListenerLeavesItsGroupsRetryTopicToAnother() {
		this.runner.withUserConfiguration(SharedGroup.class)
			.run(context -> {
				ListenerPolicy first = context.getBean(ListenerPolicies.class).find("first");
				assertThat(first.groupRetryTopic()).isNull();
				assertThat(first.origins()).containsEntry("mode", "annotation")
					.containsEntry("blocking.max-attempts", "built-in");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "orders", mode = ReliableMode.RETRY_TOPIC,
				backOff = @BackOff(delayString = "2s"), delayLevels = "1s,2s,4s",
				notRetryable = IllegalArgumentException.class)
		void orders(String order) {
		}

		@ReliableListener(id = "audit", topics = "OrderTopic", groupId = "audit")
		void audit(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SharedGroup {

		@ReliableListener(id = "first", topics = "OrderTopic", groupId = "shared", mode = ReliableMode.BLOCKING)
		void first(String order) {
		}

		@ReliableListener(id = "second", topics = "OrderTopic", groupId = "shared", mode = ReliableMode.BLOCKING)
		void second(String order) {
		}

	}

}
