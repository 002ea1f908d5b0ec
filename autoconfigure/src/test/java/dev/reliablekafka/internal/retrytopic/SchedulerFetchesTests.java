package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.util.ReflectionTestUtils;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.RetriedOnceOrderService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler's consumer waits as configured while its tiers idle, instead of making the broker serve an empty
 * fetch every 10 ms, and still hands a record over on time: here the broker may hold each fetch for 10 s, and a
 * record with a 1 s delay must not wait for the fetch in flight.
 */
class SchedulerFetchesTests {

	@Test
	void idleTiersCostFewFetchesAndHandOffsStayOnTime() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, RetriedOnceOrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.kafka.consumer.fetch-max-wait=10s",
					"reliable.kafka.listeners.orders.retry-topic.delay-levels=1s",
					"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1")) {
				DelayTierScheduler scheduler = app.getBean(DelayTierScheduler.class);
				await().atMost(Duration.ofSeconds(30)).until(scheduler::isRunning);
				MessageListenerContainer container = (MessageListenerContainer) ReflectionTestUtils.getField(scheduler,
						"container");
				await().atMost(Duration.ofSeconds(30)).until(() -> fetches(container) > 0);

				// Over 3 s of idling: an empty fetch every 10 ms would be about 300.
				AtomicReference<Double> before = new AtomicReference<>(fetches(container));
				long from = System.nanoTime();
				await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
				double idle = fetches(container) - before.get();
				assertThat(idle).as("fetches in %d ms of idling", (System.nanoTime() - from) / 1_000_000)
					.isLessThan(30);

				kafka.send(topic, 0, "A", "A");
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(7)).until(() -> !log.succeeded("orders").isEmpty());
			}
		}
	}

	private static double fetches(MessageListenerContainer container) {
		double total = 0;
		for (Map<MetricName, ? extends Metric> metrics : container.metrics().values()) {
			for (Map.Entry<MetricName, ? extends Metric> metric : metrics.entrySet()) {
				MetricName name = metric.getKey();
				if (name.name().equals("fetch-total") && name.group().equals("consumer-fetch-manager-metrics")
						&& !name.tags().containsKey("topic")) {
					total += ((Number) metric.getValue().metricValue()).doubleValue();
				}
			}
		}
		return total;
	}

}
