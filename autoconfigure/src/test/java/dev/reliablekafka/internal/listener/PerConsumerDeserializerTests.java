package dev.reliablekafka.internal.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each reliable consumer gets its own deserializers, configured with that consumer's configuration as Kafka
 * would: {@code spring.kafka.consumer.properties.*} and the listener's {@code properties} included, and no
 * instance is shared between the threads of a concurrent listener.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class PerConsumerDeserializerTests {

	@Parameter
	Broker broker;

	@Test
	void everyConsumerHasItsOwnConfiguredDeserializer() {
		ConfigurableDeserializer.THREADS.clear();
		ConfigurableDeserializer.CONFIGURED.clear();
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("configured"), 2);
			String group = KafkaTestClient.unique("configured-group");
			for (int i = 0; i < 10; i++) {
				kafka.send(topic, i % 2, "k" + i, "v" + i);
			}

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group,
					"spring.kafka.consumer.value-deserializer=" + ConfigurableDeserializer.class.getName(),
					"spring.kafka.consumer.properties.spring.json.test.prefix=configured:")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 5
							&& kafka.committed(group, new TopicPartition(topic, 1)) == 5);

				assertThat(log.of("configured")).hasSize(10)
					.allSatisfy(entry -> assertThat(entry.value()).startsWith("configured:from-annotation:"));
				// One instance per consumer: two consumers, two configured instances, none used by two threads. (Which
				// consumer gets which partition is up to the group, so one of them may have deserialized nothing.)
				assertThat(ConfigurableDeserializer.CONFIGURED).hasSize(2);
				assertThat(ConfigurableDeserializer.THREADS).isNotEmpty()
					.allSatisfy((instance, threads) -> assertThat(threads).hasSize(1));
			}
		}
	}

	/**
	 * Fails unless configured; records which threads use each instance.
	 */
	public static class ConfigurableDeserializer implements Deserializer<String> {

		static final Map<ConfigurableDeserializer, Set<String>> THREADS = new ConcurrentHashMap<>();

		static final Set<ConfigurableDeserializer> CONFIGURED = ConcurrentHashMap.newKeySet();

		private String prefix;

		@Override
		public void configure(Map<String, ?> configs, boolean isKey) {
			this.prefix = configs.get("spring.json.test.prefix") + "" + configs.get("test.listener.setting") + ":";
			CONFIGURED.add(this);
		}

		@Override
		public String deserialize(String topic, byte[] data) {
			if (this.prefix == null) {
				throw new IllegalStateException("not configured");
			}
			THREADS.computeIfAbsent(this, key -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
			return this.prefix + new String(data, StandardCharsets.UTF_8);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "configured", topics = "${test.topic}", groupId = "${test.group}", concurrency = "2",
				properties = "test.listener.setting=from-annotation")
		void onRecord(ConsumerRecord<String, String> record) {
			this.log.add("configured", record, true);
		}

	}

}
