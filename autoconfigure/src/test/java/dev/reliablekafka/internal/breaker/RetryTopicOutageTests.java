package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A RETRY_TOPIC listener's dependency is down for 10 s while 1,000 records wait. Without the breaker every record
 * goes through its retries into the dead-letter topic; with it, no record is dead-lettered, at most the window's
 * size reaches the delay tiers, and once the dependency is back every record is processed.
 */
class RetryTopicOutageTests {

	private static final int RECORDS = 1000;

	private static final Duration OUTAGE = Duration.ofSeconds(10);

	private static final List<String> LEVELS = List.of("100ms", "200ms", "400ms");

	@Test
	void theBreakerKeepsAnOutageOutOfTheRetryPathAndTheDeadLetterTopic() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			Outcome without = run(kafka, false);
			Outcome with = run(kafka, true);
			System.out.printf("Outage of %s over %d records: without the breaker %d dead-lettered, %d in the delay "
					+ "tiers; with it %d dead-lettered, %d in the delay tiers%n", OUTAGE, RECORDS, without.deadLettered,
					without.inTiers, with.deadLettered, with.inTiers);
			assertThat(with.deadLettered).isZero();
			assertThat(with.inTiers).isLessThanOrEqualTo(50);
			assertThat(without.deadLettered).isGreaterThan(with.deadLettered);
			assertThat(without.inTiers).isGreaterThan(with.inTiers);
		}
	}

	private Outcome run(KafkaTestClient kafka, boolean breaker) {
		String topic = kafka.createTopic(KafkaTestClient.unique("OrderTopic"), 2);
		String group = KafkaTestClient.unique("order-service");
		String app = KafkaTestClient.unique("shop");
		Set<String> keys = BreakerTopics.sendOrders(kafka, topic, 2, RECORDS);
		try (ConfigurableApplicationContext context = ReliableTestApp.run(kafka, OutageOrderService.class,
				"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + app,
				"test.outage=" + OUTAGE.toMillis(),
				"reliable.kafka.listeners.orders.retry-topic.delay-levels=" + String.join(",", LEVELS),
				"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1",
				"reliable.kafka.listeners.orders.retry-topic.max-reconsume-times=3",
				"reliable.kafka.listeners.orders.breaker.enabled=" + breaker,
				"reliable.kafka.listeners.orders.breaker.wait=200ms",
				"reliable.kafka.listeners.orders.breaker.max-wait=1s")) {
			OutageOrderService service = context.getBean(OutageOrderService.class);
			String deadLetters = "dlq." + group;
			// Nothing lost: every record processed or dead-lettered.
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
				Set<String> done = new HashSet<>(service.processed);
				if (done.size() < RECORDS) {
					done.addAll(BreakerTopics.values(kafka, deadLetters));
				}
				return done.containsAll(keys);
			});
			long inTiers = LEVELS.stream().mapToLong(level -> BreakerTopics.count(kafka, app + ".delay." + level)).sum();
			return new Outcome(BreakerTopics.count(kafka, deadLetters), inTiers);
		}
	}

	private record Outcome(long deadLettered, long inTiers) {
	}

}
