package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two groups reading the same topic each get their own retry and dead-letter topics and their own redeliveries;
 * the delay tiers are shared; a group reading three source topics still has exactly two topics of its own.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class TopicFootprintTests {

	@Parameter
	Broker broker;

	@Test
	void topicsGrowWithGroupsAndLevelsNotWithSourceTopics() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String orders = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
			String refunds = kafka.createTopic(KafkaTestClient.unique("refunds"), 1);
			String invoices = kafka.createTopic(KafkaTestClient.unique("invoices"), 1);
			String billing = KafkaTestClient.unique("billing");
			String shipping = KafkaTestClient.unique("shipping");
			String audit = KafkaTestClient.unique("audit");
			String namespace = KafkaTestClient.unique("footprint");
			Set<String> before = kafka.topics();
			kafka.send(orders, 0, "A", "fail-once");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listeners.class,
					"test.orders=" + orders, "test.refunds=" + refunds, "test.invoices=" + invoices,
					"test.billing=" + billing, "test.shipping=" + shipping, "test.audit=" + audit,
					"spring.application.name=" + namespace)) {
				Set<String> created = new HashSet<>(kafka.topics());
				created.removeAll(before);
				assertThat(created).containsExactlyInAnyOrder("retry." + billing, "dlq." + billing,
						"retry." + shipping, "dlq." + shipping, "retry." + audit, "dlq." + audit,
						namespace + ".delay.100ms", namespace + ".delay.200ms");

				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> log.succeeded("billing").size() == 1 && log.succeeded("shipping").size() == 1
							&& log.succeeded("audit").size() == 1);
				assertThat(log.succeeded("billing").get(0).topic()).isEqualTo("retry." + billing);
				assertThat(log.succeeded("shipping").get(0).topic()).isEqualTo("retry." + shipping);
				assertThat(log.succeeded("audit").get(0).topic()).isEqualTo("retry." + audit);
				assertThat(log.of("billing")).hasSize(2);
				assertThat(log.of("shipping")).hasSize(2);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		private final ProcessingLog log;

		Listeners(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "billing", topics = "${test.orders}", groupId = "${test.billing}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "100ms 200ms", firstDelayLevel = "1",
				maxReconsumeTimes = "2")
		void bill(ConsumerRecord<String, String> record) {
			process("billing", record);
		}

		@ReliableListener(id = "shipping", topics = "${test.orders}", groupId = "${test.shipping}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "100ms 200ms", firstDelayLevel = "1",
				maxReconsumeTimes = "2")
		void ship(ConsumerRecord<String, String> record) {
			process("shipping", record);
		}

		@ReliableListener(id = "audit", topics = { "${test.orders}", "${test.refunds}", "${test.invoices}" },
				groupId = "${test.audit}", mode = ReliableMode.RETRY_TOPIC, delayLevels = "100ms 200ms",
				firstDelayLevel = "1", maxReconsumeTimes = "2")
		void audit(ConsumerRecord<String, String> record) {
			process("audit", record);
		}

		private void process(String listener, ConsumerRecord<String, String> record) {
			boolean fail = !record.topic().startsWith("retry.");
			this.log.add(listener, record, !fail);
			if (fail) {
				throw new SimulatedDeadlockException("first delivery fails");
			}
		}

	}

}
