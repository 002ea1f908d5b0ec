package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A RETRY_TOPIC listener with two consumers over 4 partitions whose dependency is down for 3 s: its one breaker,
 * shared by both consumers, opens once and pauses the partitions of both; nothing is dead-lettered, at most the
 * window reaches the delay tiers, and every record is processed once the dependency is back.
 */
class ConcurrentConsumersTests {

	private static final int PARTITIONS = 4;

	private static final int RECORDS = 400;

	@Test
	void oneBreakerPausesBothConsumers() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("OrderTopic"), PARTITIONS);
			String group = KafkaTestClient.unique("order-service");
			String app = KafkaTestClient.unique("shop");
			BreakerTopics.sendOrders(kafka, topic, PARTITIONS, RECORDS);
			try (ConfigurableApplicationContext context = ReliableTestApp.run(kafka, OrderServiceWithTransitions.class,
					"test.topic=" + topic, "test.group=" + group, "test.outage=3000",
					"spring.application.name=" + app, "spring.kafka.listener.concurrency=2",
					"reliable.kafka.listeners.orders.retry-topic.delay-levels=100ms,200ms",
					"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1",
					"reliable.kafka.listeners.orders.retry-topic.max-reconsume-times=2",
					"reliable.kafka.listeners.orders.breaker.enabled=true",
					"reliable.kafka.listeners.orders.breaker.wait=700ms",
					"reliable.kafka.listeners.orders.breaker.max-wait=700ms")) {
				OutageOrderService service = context.getBean(OutageOrderService.class);
				OutageBreaker breaker = context.getBean(OutageBreakers.class).find("orders");
				MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
					.getListenerContainer("orders");
				assertThat(((ConcurrentMessageListenerContainer<?, ?>) container).getContainers()).hasSize(2);
				// While open, the breaker holds every partition of both consumers (the consumer that keeps the failed
				// record also pauses all of its partitions by itself until that record is delivered again).
				List<? extends MessageListenerContainer> consumers = ((ConcurrentMessageListenerContainer<?, ?>) container)
					.getContainers();
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
					if (breaker.state() != OutageBreaker.State.OPEN) {
						return false;
					}
					int held = 0;
					for (MessageListenerContainer consumer : consumers) {
						Collection<TopicPartition> assigned = consumer.getAssignedPartitions();
						if (assigned == null || assigned.isEmpty()
								|| !assigned.stream().allMatch(consumer::isPartitionPauseRequested)) {
							return false;
						}
						held += (int) assigned.stream().filter(partition -> partition.topic().equals(topic)).count();
					}
					return held == PARTITIONS;
				});
				await().atMost(Duration.ofSeconds(60)).until(() -> service.processed.size() == RECORDS);
				assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
				BreakerTransitions transitions = context.getBean(BreakerTransitions.class);
				assertThat(transitions.opened).hasValue(1);
				assertThat(transitions.closed).hasValue(1);
				assertThat(BreakerTopics.count(kafka, "dlq." + group)).isZero();
				assertThat(BreakerTopics.count(kafka, app + ".delay.100ms") + BreakerTopics.count(kafka, app + ".delay.200ms"))
					.isLessThanOrEqualTo(50);
				assertThat(service.processed).doesNotHaveDuplicates();
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import({ OutageOrderService.class, BreakerTransitions.class })
	static class OrderServiceWithTransitions {

	}

}
