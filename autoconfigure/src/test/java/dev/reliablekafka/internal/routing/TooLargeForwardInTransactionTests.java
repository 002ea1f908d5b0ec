package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * with transactions on, a forward refused as too large (client side: max.request.size) puts the poll
 * transaction's producer in an abortable error state, so the brief re-send in the same transaction can never work.
 */
class TooLargeForwardInTransactionTests {

	@Test
	void tooLargeForwardIsResentBriefInATransaction() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("tx");
			kafka.send(topic, 0, "k", "v");
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"spring.kafka.producer.transaction-id-prefix=" + namespace + "-",
					"spring.kafka.producer.properties.max.request.size=8000",
					"reliable.kafka.topics.partitions=1")) {
				List<ConsumerRecord<byte[], byte[]>> tier = kafka.readAll(namespace + ".delay.200ms", 1);
				assertThat(tier).hasSize(1);
				assertThat(tier.get(0).headers().lastHeader(ReliableHeaders.EXCEPTION_STACKTRACE)).isNull();
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		volatile int deliveries;

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "200ms", firstDelayLevel = "1", maxReconsumeTimes = "1")
		void onOrder(ConsumerRecord<String, String> record) {
			this.deliveries++;
			throw new SimulatedDeadlockException("x".repeat(4000));
		}

	}

}
