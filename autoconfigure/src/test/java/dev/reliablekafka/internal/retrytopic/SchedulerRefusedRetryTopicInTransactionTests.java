package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract, transactions on: {@code retry.blocked} refuses the scheduler's writes for a few seconds,
 * and a due record of group {@code payments} follows the {@code blocked} record. While the {@code blocked} record
 * waits for its topic, each try of it is a transaction of its own: its refusal undoes no other hand-off, so the
 * {@code payments} record is sent once, after the {@code blocked} one went through, not again and again in
 * transactions the refusal aborts.
 */
class SchedulerRefusedRetryTopicInTransactionTests {

	@Test
	void recordWaitingForItsTopicIsTriedInATransactionOfItsOwn() {
		long now = System.currentTimeMillis();
		ErrorStateProducer producer = new ErrorStateProducer();
		try (SchedulerContainer scheduler = new SchedulerContainer(producer).record("blocked", "blocked", now - 1)
			.record("payment", "payments", now - 1)
			.transactional()
			.patience(Duration.ofMinutes(5))) {
			scheduler.start(Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(30)).until(() -> producer.attempts("blocked") >= 5);
			producer.refusing = false;

			await().atMost(Duration.ofSeconds(20)).until(() -> producer.history().size() == 2);
			assertThat(producer.history()).extracting(ProducerRecord::topic)
				.containsExactly("retry.blocked", "retry.payments");
			// The first try is shared (nothing was known yet); after it, the payment waits for the blocked record.
			assertThat(producer.attempts("payment")).as("sends of the payment record").isLessThanOrEqualTo(2);
		}
	}

}
