package dev.reliablekafka.internal.blocking;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A back-off longer than {@code max.poll.interval.ms}: the consumer keeps polling while the partition waits, so
 * the group does not rebalance and the record is processed after the wait.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class LongBackOffTests {

	@Parameter
	Broker broker;

	@Test
	void backOffLongerThanMaxPollIntervalCausesNoRebalance() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("long-backoff"), 1);
			String group = KafkaTestClient.unique("long-backoff-group");
			kafka.send(topic, 0, "A", "A");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group, "spring.kafka.consumer.properties.max.poll.interval.ms=2000",
					"reliable.kafka.listeners.patient.blocking.initial-interval=6s")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				RebalanceRecorder rebalances = app.getBean(RebalanceRecorder.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> !log.succeeded("patient").isEmpty());

				assertThat(log.of("patient")).extracting(ProcessingLog.Entry::succeeded).containsExactly(false, true);
				assertThat(log.of("patient").get(1).nanos() - log.of("patient").get(0).nanos())
					.isGreaterThanOrEqualTo(Duration.ofSeconds(6).toNanos());
				assertThat(rebalances.assigned).hasSize(1);
				assertThat(rebalances.revoked).isEmpty();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 1);
			}
		}
	}

	static class RebalanceRecorder implements ConsumerAwareRebalanceListener {

		final List<Collection<TopicPartition>> assigned = new CopyOnWriteArrayList<>();

		final List<Collection<TopicPartition>> revoked = new CopyOnWriteArrayList<>();

		@Override
		public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
			if (!partitions.isEmpty()) {
				this.assigned.add(partitions);
			}
		}

		@Override
		public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
			if (!partitions.isEmpty()) {
				this.revoked.add(partitions);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "patient", topics = "${test.topic}", groupId = "${test.group}")
		void onRecord(ConsumerRecord<String, String> record) {
			boolean first = this.log.deliveries("patient", record.partition(), record.offset()) == 0;
			this.log.add("patient", record, !first);
			if (first) {
				throw new SimulatedDeadlockException("locked");
			}
		}

		@Bean
		static RebalanceRecorder rebalanceRecorder() {
			return new RebalanceRecorder();
		}

	}

}
