package dev.reliablekafka.internal.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimpleMeters;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A RETRY_TOPIC listener's and the scheduler's meters, by value: a record that always fails is forwarded to the
 * 200ms level, handed back by the scheduler, forwarded to the 3s level, where it is seen waiting, handed back
 * again and then dead-lettered with its retries used up.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class RetryTopicMetricsTests {

	@Parameter
	Broker broker;

	@Test
	void countsForwardsPerLevelHandOffsPerTierAndTheDeadLetter() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String group = KafkaTestClient.unique("order-service");
			String namespace = KafkaTestClient.unique("metrics");
			String shortTier = namespace + ".delay.200ms";
			String longTier = namespace + ".delay.3s";

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group, "spring.application.name=" + namespace,
					"reliable.kafka.metrics.topic-depth-refresh=100ms")) {
				MeterRegistry meters = app.getBean(MeterRegistry.class);
				ProcessingLog log = app.getBean(ProcessingLog.class);
				kafka.send(topic, 0, "A", "A");

				// Parked in the 3s tier: one record waits there.
				await().atMost(Duration.ofSeconds(30)).until(() -> waiting(meters, "delay-tier", longTier) == 1);
				await().atMost(Duration.ofSeconds(60)).until(() -> kafka.endOffset(new TopicPartition("dlq." + group, 0)) == 1);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> failed(meters, "dead-lettered", "none", "attempts-used-up") == 1);
				assertThat(log.of("orders")).extracting(ProcessingLog.Entry::reconsumeCount).containsExactly("0", "1", "2");

				assertThat(failed(meters, "forwarded", "200ms", "none")).isEqualTo(1);
				assertThat(failed(meters, "forwarded", "3s", "none")).isEqualTo(1);
				assertThat(failed(meters, "retried-in-place", "none", "none")).isZero();
				assertThat(failed(meters, "forward-failed", "none", "none")).isZero();
				assertThat(failed(meters, "dead-lettered", "none", "not-retryable")).isZero();

				for (String tier : new String[] { shortTier, longTier }) {
					assertThat(meters.get(ReliableKafkaMeters.HANDOFFS).tag("tier", tier).counter().count()).isEqualTo(1);
					assertThat(meters.get(ReliableKafkaMeters.HANDOFFS_FAILED).tag("tier", tier).counter().count())
						.isZero();
					Timer lateness = meters.get(ReliableKafkaMeters.HANDOFF_LATENESS).tag("tier", tier).timer();
					assertThat(lateness.count()).isEqualTo(1);
					assertThat(lateness.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(0);
				}
				Timer redelivery = meters.get(ReliableKafkaMeters.REDELIVERY_LATENESS)
					.tag("listener", "orders")
					.tag("group", group)
					.timer();
				assertThat(redelivery.count()).isEqualTo(2);

				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(waiting(meters, "delay-tier", shortTier)).isZero();
					assertThat(waiting(meters, "delay-tier", longTier)).isZero();
					assertThat(waiting(meters, "retry", "retry." + group)).isZero();
					assertThat(waiting(meters, "dead-letter", "dlq." + group)).isEqualTo(1);
				});

				// Spring Kafka's Micrometer listeners see the scheduler's consumer and producer, and the listener's
				// producer: two hand-offs, two forwards to tiers and one dead letter.
				assertThat(clientMetric(meters, "kafka.consumer.fetch.manager.records.consumed.total",
						"reliableKafkaSchedulerConsumerFactory.")).isGreaterThanOrEqualTo(2);
				assertThat(clientMetric(meters, "kafka.producer.record.send.total",
						"reliableKafkaSchedulerProducerFactory.")).isEqualTo(2);
				assertThat(clientMetric(meters, "kafka.producer.record.send.total", "reliableKafkaProducerFactory."))
					.isEqualTo(3);
			}
		}
	}

	private static double failed(MeterRegistry meters, String outcome, String level, String reason) {
		return meters.get(ReliableKafkaMeters.RECORDS_FAILED)
			.tag("listener", "orders")
			.tag("outcome", outcome)
			.tag("level", level)
			.tag("reason", reason)
			.counter()
			.count();
	}

	private static double waiting(MeterRegistry meters, String kind, String topic) {
		return meters.get(ReliableKafkaMeters.RECORDS_WAITING).tag("kind", kind).tag("topic", topic).gauge().value();
	}

	private static double clientMetric(MeterRegistry meters, String name, String springIdPrefix) {
		return meters.get(name)
			.meters()
			.stream()
			.filter(meter -> meter.getId().getTag("spring.id").startsWith(springIdPrefix))
			.mapToDouble(meter -> meter.measure().iterator().next().getValue())
			.sum();
	}

	@Configuration(proxyBeanMethods = false)
	@Import(SimpleMeters.class)
	static class OrderService {

		private final ProcessingLog log;

		OrderService(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "200ms,3s", firstDelayLevel = "1",
				maxReconsumeTimes = "2")
		void onOrder(ConsumerRecord<String, String> record) {
			this.log.add("orders", record, false);
			throw new SimulatedDeadlockException("Deadlock processing order " + record.value());
		}

	}

}
