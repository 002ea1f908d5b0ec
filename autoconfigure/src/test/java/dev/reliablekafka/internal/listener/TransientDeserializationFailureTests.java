package dev.reliablekafka.internal.listener;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record whose deserializer fails because a service it needs is unreachable (a schema registry, say) is not
 * poison: it is retried (in place in BLOCKING, through the retry topic in RETRY_TOPIC) until the deserializer works
 * again, and then processed, not dead-lettered.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class TransientDeserializationFailureTests {

	@Parameter
	Broker broker;

	@Test
	void connectionFailureWhileDeserializingIsRetriedNotDeadLettered() {
		UnreachableRegistryDeserializer.CALLS.set(0);
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("registry-down"), 1);
			String group = KafkaTestClient.unique("registry-group");
			kafka.send(topic, 0, "k", "order:A");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group,
					"spring.kafka.consumer.value-deserializer=" + UnreachableRegistryDeserializer.class.getName())) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 1);

				assertThat(log.of("registry")).extracting(ProcessingLog.Entry::value).containsExactly("order:A");
				assertThat(UnreachableRegistryDeserializer.CALLS).hasValue(3);
				assertThat(kafka.endOffset(new TopicPartition("dlq." + group, 0))).isZero();
			}
		}
	}

	@Test
	void connectionFailureWhileDeserializingIsForwardedToTheRetryTopic() {
		UnreachableRegistryDeserializer.CALLS.set(0);
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("registry-down"), 1);
			String group = KafkaTestClient.unique("registry-group");
			kafka.send(topic, 0, "k", "order:A");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, RetryTopicListener.class,
					"test.topic=" + topic, "test.group=" + group,
					"spring.kafka.consumer.value-deserializer=" + UnreachableRegistryDeserializer.class.getName())) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> log.of("registry").size() == 1);

				assertThat(log.of("registry")).singleElement().satisfies(entry -> {
					assertThat(entry.value()).isEqualTo("order:A");
					assertThat(entry.topic()).isEqualTo("retry." + group);
					assertThat(entry.reconsumeCount()).isEqualTo("2");
				});
				assertThat(kafka.endOffset(new TopicPartition("dlq." + group, 0))).isZero();
			}
		}
	}

	/**
	 * Fails as a schema registry client does while the registry is down, for the first two calls.
	 */
	public static class UnreachableRegistryDeserializer implements Deserializer<String> {

		static final AtomicInteger CALLS = new AtomicInteger();

		@Override
		public String deserialize(String topic, byte[] data) {
			if (CALLS.incrementAndGet() <= 2) {
				throw new SerializationException("Error retrieving schema",
						new ConnectException("Connection refused"));
			}
			return new String(data, StandardCharsets.UTF_8);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "registry", topics = "${test.topic}", groupId = "${test.group}",
				backOff = @BackOff(delay = 50, multiplier = 1))
		void onRecord(ConsumerRecord<String, String> record) {
			this.log.add("registry", record, true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetryTopicListener {

		private final ProcessingLog log;

		RetryTopicListener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "registry", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "100ms 200ms", firstDelayLevel = "1",
				maxReconsumeTimes = "3")
		void onRecord(ConsumerRecord<String, String> record) {
			this.log.add("registry", record, true);
		}

	}

}
