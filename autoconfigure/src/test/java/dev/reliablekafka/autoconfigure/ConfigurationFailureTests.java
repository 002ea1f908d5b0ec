package dev.reliablekafka.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.OfflineContextRunner;

import static dev.reliablekafka.test.StartupFailures.configurationCause;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad configuration stops the application at start-up, with a message naming the listener, the setting and the
 * fix.
 */
class ConfigurationFailureTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create();

	@Test
	void negativeInterval() {
		assertFailure(OrderListener.class, "reliable.kafka.listeners.orders.blocking.initial-interval=-1s",
				"Reliable listener 'orders': reliable.kafka.listeners.orders.blocking.initial-interval is -1s but "
						+ "must not be negative.");
	}

	@Test
	void multiplierBelowOne() {
		assertFailure(OrderListener.class, "reliable.kafka.defaults.blocking.multiplier=0.5",
				"Reliable listener 'orders': reliable.kafka.defaults.blocking.multiplier is 0.5 but must be at least 1.");
	}

	@Test
	void maxIntervalShorterThanInitialInterval() {
		assertFailure(OrderListener.class, "reliable.kafka.listeners.orders.blocking.max-interval=100ms",
				"reliable.kafka.listeners.orders.blocking.max-interval is 100ms but is shorter than the initial "
						+ "interval 1s");
	}

	@Test
	void finiteAttemptsWithDeadLetteringDisabled() {
		assertFailure(OrderListener.class,
				"reliable.kafka.listeners.orders.blocking.max-attempts=3",
				"reliable.kafka.defaults.dead-letter.enabled=false",
				"reliable.kafka.listeners.orders.blocking.max-attempts is 3 while dead-lettering is disabled by "
						+ "reliable.kafka.defaults.dead-letter.enabled: a record that used all its attempts would be lost");
	}

	@Test
	void zeroAttempts() {
		assertFailure(OrderListener.class, "reliable.kafka.listeners.orders.blocking.max-attempts=0",
				"must be at least 1, or -1 for unlimited");
	}

	@Test
	void asyncAcks() {
		assertFailure(OrderListener.class, "spring.kafka.listener.async-acks=true",
				"Reliable Kafka: spring.kafka.listener.async-acks is true, but reliable listeners acknowledge "
						+ "records in order");
	}

	@Test
	void overridesForAnUnknownListener() {
		assertFailure(OrderListener.class, "reliable.kafka.listeners.order.blocking.max-attempts=3",
				"reliable.kafka.listeners.order matches no @ReliableListener (the ids are [orders])");
	}

	@Test
	void illegalSourceTopicName() {
		assertFailure(IllegalTopicListener.class, "test.topic=orders/eu",
				"Reliable listener 'bad-topic': @ReliableListener(topics) on IllegalTopicListener.onOrder gives the "
						+ "illegal topic name 'orders/eu'");
	}

	@Test
	void illegalDeadLetterTopicTemplate() {
		assertFailure(OrderListener.class, "reliable.kafka.topics.dead-letter=dlq:<group>",
				"reliable.kafka.topics.dead-letter (dlq:<group>) gives the illegal topic name 'dlq:order-service'");
	}

	@Test
	void missingGroupId() {
		assertFailure(GrouplessListener.class, "unused=true",
				"Reliable listener 'groupless': @ReliableListener(groupId) on GrouplessListener.onOrder is empty and "
						+ "spring.kafka.consumer.group-id is not set");
	}

	@Test
	void unparsableAnnotationAttribute() {
		assertFailure(UnparsableListener.class, "unused=true",
				"@ReliableListener(maxAttempts) on UnparsableListener.onOrder has the unparsable value 'many'");
	}

	@Test
	void duplicateListenerIds() {
		assertFailure(DuplicateListeners.class, "unused=true",
				"@ReliableListener(id) on DuplicateListeners.second is also used on DuplicateListeners.first");
	}

	@Test
	void illegalRetryTopicTemplate() {
		assertFailure(RetryListener.class, "spring.application.name=shop", "reliable.kafka.topics.retry=retry:<group>",
				"reliable.kafka.topics.retry (retry:<group>) gives the illegal topic name 'retry:order-service'");
	}

	@Test
	void retryTopicTemplateWithoutGroup() {
		assertFailure(RetryListener.class, "spring.application.name=shop", "reliable.kafka.topics.retry=retries",
				"reliable.kafka.topics.retry (retries) has no <group>");
	}

	@Test
	void delayLevelsNotIncreasing() {
		assertFailure(RetryListener.class, "spring.application.name=shop",
				"reliable.kafka.defaults.retry-topic.delay-levels=1s,5s,5s",
				"reliable.kafka.defaults.retry-topic.delay-levels is 1s, 5s, 5s but must be positive and "
						+ "strictly increasing (5s follows 5s)");
	}

	@Test
	void firstDelayLevelBeyondTheList() {
		assertFailure(RetryListener.class, "spring.application.name=shop",
				"reliable.kafka.listeners.orders.retry-topic.delay-levels=1s,5s,10s",
				"reliable.kafka.listeners.orders.retry-topic.first-delay-level=4",
				"reliable.kafka.listeners.orders.retry-topic.first-delay-level is 4 but is beyond the 3 delay levels "
						+ "of reliable.kafka.listeners.orders.retry-topic.delay-levels");
	}

	@Test
	void retryTopicWithoutNamespace() {
		assertFailure(RetryListener.class, "unused=true",
				"reliable.kafka.topics.namespace is not set and neither is spring.application.name");
	}

	@Test
	void retryTopicWithDeadLetteringDisabled() {
		assertFailure(RetryListener.class, "spring.application.name=shop",
				"reliable.kafka.listeners.orders.dead-letter.enabled=false",
				"reliable.kafka.listeners.orders.dead-letter.enabled is false while the mode is RETRY_TOPIC");
	}

	@Test
	void twoRetryTopicListenersInOneGroup() {
		assertFailure(SharedGroupRetryListeners.class, "spring.application.name=shop",
				"Reliable listener 'second': group 'shared' is also the group of RETRY_TOPIC listener 'first'");
	}

	@Test
	void deadLetterTopicThatCannotBeCreated() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, ReliableKafkaAutoConfiguration.class))
			.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "spring.kafka.listener.auto-startup=false",
					"reliable.kafka.topics.provisioning-timeout=1s")
			.withUserConfiguration(OrderListener.class)
			.run(context -> {
				assertThat(context).hasFailed();
				ReliableKafkaConfigurationException cause = configurationCause(context.getStartupFailure());
				assertThat(cause.getMessage()).contains("could not make sure the topics [dlq.order-service] exist");
			});
	}

	@Test
	void failureAnalysisStatesTheProblemAndTheFix() {
		this.runner.withUserConfiguration(OrderListener.class)
			.withPropertyValues("reliable.kafka.defaults.blocking.multiplier=0.5")
			.run(context -> {
				ReliableKafkaConfigurationException cause = configurationCause(context.getStartupFailure());
				FailureAnalysis analysis = new ReliableKafkaConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).isEqualTo(cause.getDescription());
				assertThat(analysis.getAction()).contains("Use 1 for a fixed wait");
			});
	}

	private void assertFailure(Class<?> listener, String... propertiesAndMessage) {
		String expected = propertiesAndMessage[propertiesAndMessage.length - 1];
		String[] properties = java.util.Arrays.copyOf(propertiesAndMessage, propertiesAndMessage.length - 1);
		this.runner.withUserConfiguration(listener).withPropertyValues(properties).run(context -> {
			assertThat(context).hasFailed();
			ReliableKafkaConfigurationException cause = configurationCause(context.getStartupFailure());
			assertThat(cause.getMessage()).contains(expected);
			assertThat(cause.getFix()).isNotBlank();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetryListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service",
				mode = dev.reliablekafka.annotation.ReliableMode.RETRY_TOPIC)
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SharedGroupRetryListeners {

		@ReliableListener(id = "first", topics = "OrderTopic", groupId = "shared",
				mode = dev.reliablekafka.annotation.ReliableMode.RETRY_TOPIC)
		void first(String order) {
		}

		@ReliableListener(id = "second", topics = "RefundTopic", groupId = "shared",
				mode = dev.reliablekafka.annotation.ReliableMode.RETRY_TOPIC)
		void second(String refund) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class IllegalTopicListener {

		@ReliableListener(id = "bad-topic", topics = "${test.topic}", groupId = "g")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GrouplessListener {

		@ReliableListener(id = "groupless", topics = "OrderTopic")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnparsableListener {

		@ReliableListener(id = "unparsable", topics = "OrderTopic", groupId = "g", maxAttempts = "many")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateListeners {

		@ReliableListener(id = "twice", topics = "OrderTopic", groupId = "g")
		void first(String order) {
		}

		@ReliableListener(id = "twice", topics = "OrderTopic", groupId = "g")
		void second(String order) {
		}

	}

}
