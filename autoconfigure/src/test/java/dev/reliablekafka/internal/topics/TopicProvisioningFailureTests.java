package dev.reliablekafka.internal.topics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When the broker refuses to create the topics a listener forwards to, start-up fails and names every one of
 * them, and none is created behind the application's back.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class TopicProvisioningFailureTests {

	@Parameter
	Broker broker;

	@Test
	void startUpFailsNamingEveryTopicThatCouldNotBeCreated() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("refused");

			// A single broker cannot hold three replicas: every creation is refused.
			assertThatThrownBy(() -> ReliableTestApp.run(kafka, OrderService.class, "test.topic=" + topic,
					"test.group=" + group, "spring.application.name=" + namespace,
					"reliable.kafka.topics.replication-factor=3"))
				.hasStackTraceContaining("could not make sure the topics [dlq." + group + ", " + namespace
						+ ".delay.1s, " + namespace + ".delay.2s, retry." + group + "] exist")
				.hasStackTraceContaining("reliable.kafka.topics");
			assertThat(kafka.topics()).doesNotContain("dlq." + group, "retry." + group, namespace + ".delay.1s");
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "1s 2s", firstDelayLevel = "1", maxReconsumeTimes = "2")
		void onOrder(String order) {
		}

	}

}
