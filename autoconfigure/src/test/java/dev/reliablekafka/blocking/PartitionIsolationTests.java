package dev.reliablekafka.blocking;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ProcessingLog.Entry;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One consumer thread, two partitions: while the head record of partition 0 is backing off, partition 1 keeps
 * being processed.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class PartitionIsolationTests {

	@Parameter
	Broker broker;

	@Test
	void otherPartitionsOfTheSameConsumerFlowDuringTheBackOff() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("isolation"), 2);
			String group = KafkaTestClient.unique("isolation-group");
			kafka.send(topic, 0, "A", "slow");
			kafka.send(topic, 0, "B", "after-slow");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group, "reliable.kafka.defaults.blocking.initial-interval=1s",
					"reliable.kafka.defaults.blocking.multiplier=1")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> !log.of("isolated").isEmpty());
				for (int i = 0; i < 5; i++) {
					kafka.send(topic, 1, "p1-" + i, "p1-" + i);
				}
				await().atMost(Duration.ofSeconds(60))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 2
							&& kafka.committed(group, new TopicPartition(topic, 1)) == 5);

				List<Entry> partition0 = log.of("isolated").stream().filter(entry -> entry.partition() == 0).toList();
				List<Entry> partition1 = log.succeeded("isolated").stream().filter(entry -> entry.partition() == 1).toList();
				long firstFailure = partition0.get(0).nanos();
				long slowSucceeded = partition0.stream().filter(Entry::succeeded).findFirst().orElseThrow().nanos();
				assertThat(partition0.stream().filter(entry -> !entry.succeeded()).count()).isGreaterThanOrEqualTo(2);
				assertThat(partition1).hasSize(5)
					.allSatisfy(entry -> assertThat(entry.nanos()).isBetween(firstFailure, slowSucceeded));
				assertThat(partition0.stream().filter(Entry::succeeded).map(Entry::value))
					.containsExactly("slow", "after-slow");
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		private final long failUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "isolated", topics = "${test.topic}", groupId = "${test.group}", concurrency = "1")
		void onRecord(ConsumerRecord<String, String> record) {
			boolean fail = "slow".equals(record.value()) && System.nanoTime() < this.failUntil;
			this.log.add("isolated", record, !fail);
			if (fail) {
				throw new SimulatedDeadlockException("still locked");
			}
		}

	}

}
