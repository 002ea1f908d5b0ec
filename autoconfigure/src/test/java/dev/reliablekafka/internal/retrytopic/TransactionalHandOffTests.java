package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.support.HeaderValues;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With a transaction id prefix, a forward and the commit of the forwarded record's offset are one transaction:
 * a {@code read_committed} consumer of the delay tier, retry and dead-letter topics sees every record exactly
 * once, although the listener is stopped and started again while records are in flight.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class TransactionalHandOffTests {

	private static final int RECORDS = 40;

	@Parameter
	Broker broker;

	@Test
	void eachForwardIsCommittedExactlyOnceAcrossAListenerRestart() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 2);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("tx");
			for (int i = 0; i < RECORDS; i++) {
				kafka.send(topic, i % 2, "k" + i, "v" + i);
			}

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"spring.kafka.producer.transaction-id-prefix=" + namespace + "-",
					"spring.kafka.consumer.max-poll-records=5", "reliable.kafka.topics.partitions=1")) {
				OrderService service = app.getBean(OrderService.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> service.deliveries > RECORDS / 2);
				KafkaListenerEndpointRegistry registry = app.getBean(KafkaListenerEndpointRegistry.class);
				registry.getListenerContainer("orders").stop();
				registry.getListenerContainer("orders").start();

				assertExactlyOnce(kafka.readAll("dlq." + group, RECORDS));
				assertExactlyOnce(kafka.readAll("retry." + group, RECORDS));
				assertExactlyOnce(kafka.readAll(namespace + ".delay.200ms", RECORDS));
				// Transaction markers take offsets too: more offsets than records shows the forwards were transactional.
				assertThat(kafka.endOffset(new TopicPartition("dlq." + group, 0))).isGreaterThan(RECORDS);
				assertThat(kafka.endOffset(new TopicPartition("retry." + group, 0))).isGreaterThan(RECORDS);
			}
		}
	}

	private static void assertExactlyOnce(List<ConsumerRecord<byte[], byte[]>> records) {
		Map<String, Long> perMessage = records.stream()
			.map(record -> HeaderValues.text(record.headers(), ReliableHeaders.MESSAGE_ID))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		assertThat(perMessage).hasSize(RECORDS);
		assertThat(perMessage.values()).containsOnly(1L);
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		volatile int deliveries;

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "200ms", firstDelayLevel = "1", maxReconsumeTimes = "1")
		void onOrder(ConsumerRecord<String, String> record) {
			this.deliveries++;
			throw new SimulatedDeadlockException("always");
		}

	}

}
