package dev.reliablekafka.internal.topics;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Created delay tiers and retry topics keep their records longer than the longest delay they hold (twice that,
 * and at least Kafka's default of 7 days), and delay tiers are stamped with the broker's append time. Dead-letter
 * topics keep the broker's retention unless {@code reliable.kafka.topics.dead-letter-retention} is set.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class CreatedTopicConfigsTests {

	private static final long DAY = 24 * 3_600_000L;

	@Parameter
	Broker broker;

	@Test
	void createdTopicsKeepTheirRecordsLongerThanTheyWait() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String otherGroup = KafkaTestClient.unique("audit");
			String namespace = KafkaTestClient.unique("app");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listeners.class,
					"test.topic=" + topic, "test.group=" + group, "test.other-group=" + otherGroup,
					"spring.application.name=" + namespace, "reliable.kafka.topics.dead-letter-retention=30d")) {
				Map<String, Config> configs = configs(admin, "retry." + group, namespace + ".delay.1s",
						namespace + ".delay.240h", "dlq." + group, "dlq." + otherGroup);

				assertThat(value(configs, namespace + ".delay.1s", TopicConfig.RETENTION_MS_CONFIG))
					.isEqualTo(Long.toString(7 * DAY));
				assertThat(value(configs, namespace + ".delay.240h", TopicConfig.RETENTION_MS_CONFIG))
					.isEqualTo(Long.toString(20 * DAY));
				assertThat(value(configs, "retry." + group, TopicConfig.RETENTION_MS_CONFIG))
					.isEqualTo(Long.toString(20 * DAY));
				assertThat(value(configs, namespace + ".delay.1s", TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG))
					.isEqualTo("LogAppendTime");
				assertThat(value(configs, namespace + ".delay.240h", TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG))
					.isEqualTo("LogAppendTime");
				assertThat(value(configs, "retry." + group, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG))
					.isEqualTo("CreateTime");
				assertThat(value(configs, "dlq." + group, TopicConfig.RETENTION_MS_CONFIG))
					.isEqualTo(Long.toString(30 * DAY));
			}
		}
	}

	@Test
	void deadLetterTopicsKeepTheBrokersRetentionByDefault() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listeners.class,
					"test.topic=" + topic, "test.group=" + group,
					"test.other-group=" + KafkaTestClient.unique("audit"))) {
				ConfigEntry retention = configs(admin, "dlq." + group).get("dlq." + group)
					.get(TopicConfig.RETENTION_MS_CONFIG);
				assertThat(retention.source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
			}
		}
	}

	// Retried: a broker may not know a topic yet for a moment after the controller created it.
	private static Map<String, Config> configs(Admin admin, String... topics) {
		List<ConfigResource> resources = Arrays.stream(topics)
			.map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
			.toList();
		Map<String, Config> configs = new HashMap<>();
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> admin.describeConfigs(resources)
			.all()
			.get(30, TimeUnit.SECONDS)
			.forEach((resource, config) -> configs.put(resource.name(), config)));
		return configs;
	}

	private static String value(Map<String, Config> configs, String topic, String name) {
		return configs.get(topic).get(name).value();
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "1s 10d", firstDelayLevel = "1", maxReconsumeTimes = "2")
		void onOrder(String order) {
		}

		@ReliableListener(id = "audit", topics = "${test.topic}", groupId = "${test.other-group}")
		void onAudit(String order) {
		}

	}

}
