package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingLog.Entry;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed scenario in RETRY_TOPIC mode: offset 100 (order A) fails once, offset 101 (order B) succeeds. B is
 * processed before A comes back; A comes back through the group's retry topic no earlier than its level's delay,
 * with the same message id and reconsume count 1; the source partition's committed offset passes both.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class RetryTopicSeedScenarioTests {

	@Parameter
	Broker broker;

	@Test
	void failedRecordComesBackAfterItsDelayWhileTheNextOneFlows() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("OrderTopic"), 1);
			String group = KafkaTestClient.unique("order-service");
			for (int i = 0; i < 100; i++) {
				kafka.send(topic, 0, "filler-" + i, "filler");
			}
			kafka.send(topic, 0, "A", "A");
			kafka.send(topic, 0, "B", "B");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"test.topic=" + topic, "test.group=" + group,
					"reliable.kafka.listeners.orders.retry-topic.delay-levels=200ms,400ms,800ms",
					"reliable.kafka.listeners.orders.retry-topic.first-delay-level=1")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> log.succeeded("orders").stream()
					.anyMatch(entry -> entry.value().equals("A")));

				List<Entry> tail = log.of("orders").stream().filter(entry -> !entry.value().equals("filler")).toList();
				assertThat(tail).extracting(Entry::value).containsExactly("A", "B", "A");
				Entry failure = tail.get(0);
				Entry redelivery = tail.get(2);
				assertThat(failure.succeeded()).isFalse();
				assertThat(failure.offset()).isEqualTo(100);
				assertThat(tail.get(1).offset()).isEqualTo(101);
				assertThat(redelivery.topic()).isEqualTo("retry." + group);
				assertThat(redelivery.nanos() - failure.nanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
				assertThat(failure.messageId()).isEqualTo(topic + "-0-100");
				assertThat(redelivery.messageId()).isEqualTo(failure.messageId());
				assertThat(failure.reconsumeCount()).isEqualTo("0");
				assertThat(redelivery.reconsumeCount()).isEqualTo("1");
				assertThat(app.getBean(OrderService.class).headers).endsWith(topic + "-0-100/0", topic + "-0-101/0",
						topic + "-0-100/1");
				assertThat(log.succeeded("orders")).extracting(Entry::value).filteredOn(value -> !value.equals("filler"))
					.containsExactly("B", "A");
				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 102);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		final List<String> headers = new CopyOnWriteArrayList<>();

		private final ProcessingLog log;

		OrderService(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC)
		void onOrder(ConsumerRecord<String, String> record, @Header(ReliableHeaders.MESSAGE_ID) String messageId,
				@Header(ReliableHeaders.RECONSUME_COUNT) String reconsumeCount) {
			this.headers.add(messageId + "/" + reconsumeCount);
			boolean fail = "A".equals(record.value()) && !record.topic().startsWith("retry.");
			this.log.add("orders", record, !fail);
			if (fail) {
				throw new SimulatedDeadlockException("Deadlock processing order A");
			}
		}

	}

}
