package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outage of {@link RetryTopicOutageTests} with transactional hand-offs: the forwards made before the breaker
 * opened commit with their poll's offsets, the kept record is not committed, and once the dependency is back every
 * record is processed and none is dead-lettered.
 */
class TransactionalOutageTests {

	private static final int RECORDS = 300;

	@Test
	void theBreakerKeepsRecordsInPlaceWithTransactionalHandOffs() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("OrderTopic"), 2);
			String group = KafkaTestClient.unique("order-service");
			Set<String> keys = BreakerTopics.sendOrders(kafka, topic, 2, RECORDS);
			try (ConfigurableApplicationContext context = ReliableTestApp.run(kafka, OutageOrderService.class,
					"test.topic=" + topic, "test.group=" + group, "test.outage=3000",
					"spring.kafka.producer.transaction-id-prefix=" + KafkaTestClient.unique("tx") + "-",
					"reliable.kafka.listeners.orders.retry-topic.delay-levels=100ms,200ms",
					"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1",
					"reliable.kafka.listeners.orders.retry-topic.max-reconsume-times=2",
					"reliable.kafka.listeners.orders.breaker.enabled=true",
					"reliable.kafka.listeners.orders.breaker.wait=300ms",
					"reliable.kafka.listeners.orders.breaker.max-wait=300ms")) {
				OutageOrderService service = context.getBean(OutageOrderService.class);
				await().atMost(Duration.ofSeconds(90)).until(() -> service.processed.containsAll(keys));
				assertThat(BreakerTopics.values(kafka, "dlq." + group)).isEmpty();
			}
		}
	}

}
