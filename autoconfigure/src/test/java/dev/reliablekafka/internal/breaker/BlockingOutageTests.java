package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A BLOCKING listener over 4 partitions whose dependency is down for 3 s: the breaker opens and pauses all four
 * partitions at once instead of backing each one off, failures while it is open count no attempt (the records,
 * allowed 3 attempts, are not dead-lettered), and once the dependency is back every record is processed once, in
 * order within its partition.
 */
class BlockingOutageTests {

	private static final int PARTITIONS = 4;

	private static final int RECORDS = 200;

	@Test
	void allPartitionsWaitWhileOpenAndOrderIsKept() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("OrderTopic"), PARTITIONS);
			String group = KafkaTestClient.unique("order-service");
			BreakerTopics.sendOrders(kafka, topic, PARTITIONS, RECORDS);
			// A back-off long enough that the four partitions fail before one of them could use up its attempts alone.
			try (ConfigurableApplicationContext context = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "test.outage=3000",
					"reliable.kafka.listeners.orders.blocking.initial-interval=300ms",
					"reliable.kafka.listeners.orders.blocking.max-attempts=3",
					"reliable.kafka.listeners.orders.breaker.enabled=true",
					"reliable.kafka.listeners.orders.breaker.window=20",
					"reliable.kafka.listeners.orders.breaker.min-failures=4",
					"reliable.kafka.listeners.orders.breaker.wait=700ms",
					"reliable.kafka.listeners.orders.breaker.max-wait=700ms")) {
				OrderService service = context.getBean(OrderService.class);
				OutageBreaker breaker = context.getBean(OutageBreakers.class).find("orders");
				MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
					.getListenerContainer("orders");
				// While open, every partition of the container is paused, not only the failing ones.
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
					Collection<TopicPartition> assigned = container.getAssignedPartitions();
					return breaker.state() == OutageBreaker.State.OPEN && assigned != null
							&& assigned.size() == PARTITIONS && assigned.stream().allMatch(container::isPartitionPaused);
				});
				await().atMost(Duration.ofSeconds(60)).until(() -> service.processed.size() == RECORDS);
				assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
				BreakerTransitions transitions = context.getBean(BreakerTransitions.class);
				assertThat(transitions.opened).hasValue(1);
				assertThat(transitions.closed).hasValue(1);
				assertThat(BreakerTopics.count(kafka, "dlq." + group)).isZero();
				// Order kept: each partition's records processed once, in offset order.
				service.byPartition.forEach((partition, offsets) -> {
					List<Long> sorted = new ArrayList<>(offsets);
					sorted.sort(Long::compare);
					assertThat(offsets).as("partition " + partition).isEqualTo(sorted).doesNotHaveDuplicates();
				});
				assertThat(service.byPartition.values().stream().mapToInt(List::size).sum()).isEqualTo(RECORDS);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(BreakerTransitions.class)
	static class OrderService {

		final List<String> processed = new CopyOnWriteArrayList<>();

		final Map<Integer, List<Long>> byPartition = new ConcurrentHashMap<>();

		private final Outage outage;

		OrderService(Environment environment) {
			this.outage = Outage.of(environment);
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.BLOCKING)
		void onOrder(ConsumerRecord<String, String> record) {
			this.outage.call();
			this.byPartition.computeIfAbsent(record.partition(), partition -> new CopyOnWriteArrayList<>())
				.add(record.offset());
			this.processed.add(record.value());
		}

	}

}
