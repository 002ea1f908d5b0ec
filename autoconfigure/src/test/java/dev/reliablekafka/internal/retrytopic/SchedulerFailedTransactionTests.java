package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: with transactions on, the middle one of a poll's three hand-offs fails. The poll's
 * transaction is aborted, the tier rewound to its first hand-off, and nothing is committed; the records undone
 * with the transaction are sent again at once, the failed one after the retry interval. A {@code read_committed}
 * reader sees each record once.
 */
class SchedulerFailedTransactionTests {

	private static final TopicPartition TIER = SchedulerContainer.TIER;

	@Test
	void failedHandOffAbortsThePollsTransactionAndOnlyItWaits() {
		try (SchedulerContainer scheduler = new SchedulerContainer().records(3).transactional()) {
			scheduler.start(Duration.ofSeconds(30));
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.uncommittedRecords().size() == 3);

			scheduler.acknowledgeNext();
			scheduler.failNext();
			scheduler.acknowledgeNext();

			// Rewound to record 0, which is sent again at once in a new transaction; record 1 waits.
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.calls().contains("seek 0")
					&& scheduler.producer.uncommittedRecords().size() == 1);
			assertThat(values(scheduler.producer.uncommittedRecords())).containsExactly("record 0");
			assertThat(scheduler.producer.history()).as("records of committed transactions").isEmpty();
			assertThat(scheduler.commits()).as("offsets committed besides").allMatch(offset -> offset == 0);

			scheduler.acknowledgeNext();
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.commitCount() == 1);
			assertThat(committedInTransactions(scheduler)).containsExactly(1L);

			// Record 1 after the retry interval, with record 2 behind it.
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.uncommittedRecords().size() == 2);
			scheduler.acknowledgeNext();
			scheduler.acknowledgeNext();
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.commitCount() == 2);
			assertThat(committedInTransactions(scheduler)).containsExactly(1L, 3L);
			assertThat(values(scheduler.producer.history())).containsExactly("record 0", "record 1", "record 2");
			assertThat(scheduler.commits()).allMatch(offset -> offset <= 1);
		}
	}

	private static List<String> values(List<ProducerRecord<byte[], byte[]>> records) {
		return records.stream().map(record -> new String(record.value(), StandardCharsets.UTF_8)).toList();
	}

	private static List<Long> committedInTransactions(SchedulerContainer scheduler) {
		return scheduler.producer.consumerGroupOffsetsHistory()
			.stream()
			.map(groups -> groups.getOrDefault("app.delay-scheduler", Map.<TopicPartition, OffsetAndMetadata>of()))
			.map(offsets -> offsets.get(TIER).offset())
			.toList();
	}

}
