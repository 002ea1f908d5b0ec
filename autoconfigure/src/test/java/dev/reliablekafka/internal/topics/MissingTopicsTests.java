package dev.reliablekafka.internal.topics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With {@code reliable.kafka.topics.create=false}, start-up fails naming the topics that are missing, rather than
 * at the first record that has nowhere to go, and starts once they exist.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class MissingTopicsTests {

	@Parameter
	Broker broker;

	@Test
	void startUpFailsNamingTheMissingDeadLetterTopicUntilItExists() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String[] properties = { "test.topic=" + topic, "test.group=" + group,
					"reliable.kafka.topics.create=false" };

			assertThatThrownBy(() -> ReliableTestApp.run(kafka, OrderService.class, properties))
				.rootCause()
				.isInstanceOf(ReliableKafkaConfigurationException.class)
				.hasMessageContaining("reliable.kafka.topics.create is false, but the topics [dlq." + group
						+ "] do not exist");
			assertThat(kafka.topics()).doesNotContain("dlq." + group);

			kafka.createTopic("dlq." + group, 1);
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class, properties)) {
				assertThat(app.isRunning()).isTrue();
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}")
		void onOrder(String order) {
		}

	}

}
