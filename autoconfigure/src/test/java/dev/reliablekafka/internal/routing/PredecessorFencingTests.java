package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static dev.reliablekafka.internal.routing.ReadCommitted.lastStableOffset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A dead predecessor left transactions open under the transactional ids this instance uses (those of its second
 * consumer thread and of its scheduler). The instance aborts them while it starts, before any record fails, so
 * {@code read_committed} readers are not held until the predecessor's {@code transaction.timeout.ms}.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class PredecessorFencingTests {

	@Parameter
	Broker broker;

	@Test
	void openTransactionsOfThePredecessorAreAbortedAtStartUp() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker);
				Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 2);
			String parked = kafka.createTopic(KafkaTestClient.unique("parked"), 1);
			String prefix = KafkaTestClient.unique("instance") + "-";
			TopicPartition held = new TopicPartition(parked, 0);

			try (KafkaProducer<byte[], byte[]> listenerThread = openTransaction(kafka, prefix + "reliable-1", parked);
					KafkaProducer<byte[], byte[]> scheduler = openTransaction(kafka, prefix + "reliable-scheduler-0",
							parked)) {
				assertThat(lastStableOffset(admin, held)).isZero();

				try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, CrashingInstance.Orders.class,
						"test.topic=" + topic, "test.group=" + KafkaTestClient.unique("order-service"),
						"spring.kafka.producer.transaction-id-prefix=" + prefix)) {
					await("open transactions aborted").atMost(Duration.ofSeconds(15))
						.until(() -> lastStableOffset(admin, held) == kafka.endOffset(held));
					assertThatExceptionOfType(KafkaException.class).isThrownBy(listenerThread::commitTransaction);
					assertThatExceptionOfType(KafkaException.class).isThrownBy(scheduler::commitTransaction);
				}
			}
		}
	}

	private static KafkaProducer<byte[], byte[]> openTransaction(KafkaTestClient kafka, String transactionalId,
			String topic) throws Exception {
		KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
						ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId),
				new ByteArraySerializer(), new ByteArraySerializer());
		producer.initTransactions();
		producer.beginTransaction();
		producer.send(new ProducerRecord<>(topic, 0, null, new byte[1])).get(30, TimeUnit.SECONDS);
		return producer;
	}

}
