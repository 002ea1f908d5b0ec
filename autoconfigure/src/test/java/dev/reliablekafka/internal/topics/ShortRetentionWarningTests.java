package dev.reliablekafka.internal.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An existing delay tier whose retention is shorter than its records wait would delete them before they are handed
 * over: start-up says so, one line naming the topic, its retention and what it should be. A tier that keeps its
 * records long enough is not mentioned.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
@ExtendWith(OutputCaptureExtension.class)
class ShortRetentionWarningTests {

	@Parameter
	Broker broker;

	@Test
	void existingTierWithTooShortARetentionIsReported(CapturedOutput output) throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("app");
			admin.createTopics(List.of(
					new NewTopic(namespace + ".delay.1h", 1, (short) 1)
						.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000")),
					new NewTopic(namespace + ".delay.1s", 1, (short) 1)
						.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000"))))
				.all()
				.get(30, TimeUnit.SECONDS);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace)) {
				assertThat(output).containsOnlyOnce("Topic " + namespace + ".delay.1h has retention.ms=3600000 (1h), "
						+ "but holds records that wait up to 1h: they can be deleted before they are handed over. "
						+ "Set its retention.ms to at least 7200000 (2h), better 604800000 (168h).");
				assertThat(output).doesNotContain("Topic " + namespace + ".delay.1s has retention.ms");
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "1s 1h", firstDelayLevel = "1", maxReconsumeTimes = "2")
		void onOrder(String order) {
		}

	}

}
