package dev.reliablekafka.internal.blocking;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.StrictOrderDeserializer;

import static dev.reliablekafka.test.DeadLetterAssertions.assertDeadLettered;
import static dev.reliablekafka.test.DeadLetterAssertions.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record the configured deserializer cannot read is never handed to the listener: it goes to the dead-letter
 * topic at once with its original bytes, both with a deserializer that throws and with Spring Kafka's
 * {@link ErrorHandlingDeserializer}, and the records behind it are processed.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class PoisonRecordTests {

	@Parameter
	Broker broker;

	@Test
	void poisonRecordIsDeadLetteredWithItsOriginalBytes() {
		assertPoisonDeadLettered("spring.kafka.consumer.value-deserializer=" + StrictOrderDeserializer.class.getName());
	}

	@Test
	void poisonRecordReportedByErrorHandlingDeserializerIsDeadLettered() {
		assertPoisonDeadLettered("spring.kafka.consumer.value-deserializer=" + ErrorHandlingDeserializer.class.getName(),
				"spring.kafka.consumer.properties.spring.deserializer.value.delegate.class="
						+ StrictOrderDeserializer.class.getName());
	}

	private void assertPoisonDeadLettered(String... deserializer) {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("poison"), 1);
			String group = KafkaTestClient.unique("poison-group");
			byte[] key = utf8("k1");
			byte[] poison = { 'n', 'o', 't', (byte) 0xc3, 0x28 };
			RecordMetadata written = kafka.send(topic, 0, key, poison);
			kafka.send(topic, 0, "k2", "order:B");

			String[] properties = new String[deserializer.length + 2];
			properties[0] = "test.topic=" + topic;
			properties[1] = "test.group=" + group;
			System.arraycopy(deserializer, 0, properties, 2, deserializer.length);
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, properties)) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 2);

				assertThat(log.of("orders")).extracting(ProcessingLog.Entry::value).containsExactly("B");
				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll("dlq." + group, 1);
				assertDeadLettered(dead.get(0), written, key, poison, group, DeserializationException.class, 0);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}")
		void onOrder(ConsumerRecord<String, String> record) {
			this.log.add("orders", record, true);
		}

	}

}
