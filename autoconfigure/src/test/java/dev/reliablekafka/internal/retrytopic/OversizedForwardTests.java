package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static dev.reliablekafka.test.DeadLetterAssertions.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record near its topics' size limit fails with a very long exception message. Its exception message is capped,
 * and when the broker still refuses the forward as too large, it is forwarded again without the stack trace: it
 * reaches its delay tier and then the dead-letter topic with exactly its value bytes, instead of being retried in
 * place forever.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class OversizedForwardTests {

	private static final Map<String, String> SMALL = Map.of("max.message.bytes", "20000");

	@Parameter
	Broker broker;

	@Test
	void recordIsForwardedWithoutItsStackTrace() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = KafkaTestClient.unique("oversized");
			String group = KafkaTestClient.unique("oversized-group");
			String namespace = KafkaTestClient.unique("oversized");
			String tier = namespace + ".delay.200ms";
			String deadLetter = "dlq." + group;
			admin.createTopics(List.of(small(topic), small(tier), small(deadLetter))).all().get(30, TimeUnit.SECONDS);
			byte[] value = new byte[17_000];
			Arrays.fill(value, (byte) 'x');
			kafka.send(topic, 0, utf8("big"), value);

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group, "spring.application.name=" + namespace,
					"reliable.kafka.listeners.oversized.blocking.initial-interval=100ms",
					"reliable.kafka.listeners.oversized.blocking.multiplier=1")) {
				List<ConsumerRecord<byte[], byte[]>> waited = kafka.readAll(tier, 1);
				assertThat(waited.get(0).value()).isEqualTo(value);
				assertThat(waited.get(0).headers().lastHeader(ReliableHeaders.EXCEPTION_STACKTRACE)).isNull();

				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(deadLetter, 1);
				assertThat(dead).hasSize(1);
				assertThat(dead.get(0).key()).isEqualTo(utf8("big"));
				assertThat(dead.get(0).value()).isEqualTo(value);
				assertThat(dead.get(0).headers().lastHeader(ReliableHeaders.EXCEPTION_STACKTRACE)).isNull();
				assertThat(header(dead.get(0), ReliableHeaders.EXCEPTION_CLASS))
					.isEqualTo(SimulatedDeadlockException.class.getName());
				assertThat(header(dead.get(0), ReliableHeaders.EXCEPTION_MESSAGE)).startsWith("too long: xxx")
					.endsWith("...[cut]")
					.hasSize(ReliableHeaders.EXCEPTION_MESSAGE_BRIEF_LIMIT);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 1);
			}
		}
	}

	private static NewTopic small(String name) {
		return new NewTopic(name, 1, (short) 1).configs(SMALL);
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		@ReliableListener(id = "oversized", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "200ms", firstDelayLevel = "1", maxReconsumeTimes = "1")
		void onRecord(ConsumerRecord<byte[], byte[]> record) {
			throw new SimulatedDeadlockException("too long: " + "x".repeat(100_000));
		}

	}

}
