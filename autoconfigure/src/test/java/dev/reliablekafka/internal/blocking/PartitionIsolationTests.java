package dev.reliablekafka.internal.blocking;

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

	private static final Duration BACK_OFF = Duration.ofSeconds(5);

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
					"test.group=" + group, "reliable.kafka.defaults.blocking.initial-interval=" + BACK_OFF.toMillis() + "ms")) {
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
				assertThat(partition0).extracting(Entry::value).containsExactly("slow", "slow", "after-slow");
				long failure = partition0.get(0).nanos();
				long retry = partition0.get(1).nanos();
				assertThat(retry - failure).isGreaterThanOrEqualTo(BACK_OFF.toNanos());
				// Partition 1 is served while partition 0 waits: a paused consumer would serve nothing before the
				// back-off ends.
				assertThat(partition1).hasSize(5)
					.allSatisfy(entry -> assertThat(entry.nanos()).isBetween(failure, failure + BACK_OFF.toNanos()));
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		private boolean failed;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "isolated", topics = "${test.topic}", groupId = "${test.group}", concurrency = "1")
		void onRecord(ConsumerRecord<String, String> record) {
			boolean fail = "slow".equals(record.value()) && !this.failed;
			this.log.add("isolated", record, !fail);
			if (fail) {
				this.failed = true;
				throw new SimulatedDeadlockException("locked");
			}
		}

	}

}
