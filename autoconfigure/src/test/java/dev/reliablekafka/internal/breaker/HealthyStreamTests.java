package dev.reliablekafka.internal.breaker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.StrictOrderDeserializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poison record and a record failing with a not-retryable exception, in a healthy stream, never count toward the
 * breaker, even one set to open at the first failure: both go to the dead-letter topic at once and every other
 * record is processed.
 */
class HealthyStreamTests {

	@Test
	void poisonAndNotRetryableRecordsNeverTripTheBreaker() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("OrderTopic"), 1);
			String group = KafkaTestClient.unique("order-service");
			for (int i = 0; i < 100; i++) {
				if (i == 30) {
					kafka.send(topic, 0, "poison".getBytes(StandardCharsets.UTF_8),
							new byte[] { 'n', 'o', 't', (byte) 0xc3, 0x28 });
				}
				if (i == 60) {
					kafka.send(topic, 0, "bad", "order:bad");
				}
				kafka.send(topic, 0, "order-" + i, "order:" + i);
			}
			try (ConfigurableApplicationContext context = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group,
					"spring.kafka.consumer.value-deserializer=" + StrictOrderDeserializer.class.getName(),
					"reliable.kafka.listeners.orders.breaker.enabled=true",
					"reliable.kafka.listeners.orders.breaker.min-failures=1",
					"reliable.kafka.listeners.orders.breaker.failure-rate=0.01")) {
				OrderService service = context.getBean(OrderService.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> service.processed.size() == 100
						&& BreakerTopics.count(kafka, "dlq." + group) == 2);
				assertThat(context.getBean(OutageBreakers.class).find("orders").state())
					.isEqualTo(OutageBreaker.State.CLOSED);
				assertThat(context.getBean(BreakerTransitions.class).opened).hasValue(0);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(BreakerTransitions.class)
	static class OrderService {

		final Set<String> processed = ConcurrentHashMap.newKeySet();

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, notRetryable = IllegalArgumentException.class)
		void onOrder(ConsumerRecord<String, String> record) {
			if (record.value().equals("bad")) {
				throw new IllegalArgumentException("Not a valid order");
			}
			this.processed.add(record.value());
		}

	}

}
