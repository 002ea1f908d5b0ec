package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: with transactions on, the scheduler's hand-offs of a poll go through the commit gate into
 * one transaction, which commits the tier's offsets with them once every hand-off was acknowledged; the offsets
 * are not committed by the consumer besides.
 */
class SchedulerTransactionPerPollTests {

	@Test
	void handOffsOfAPollAndItsOffsetsAreOneTransaction() {
		try (SchedulerContainer scheduler = new SchedulerContainer().records(3).transactional()) {
			scheduler.start(Duration.ofSeconds(30));

			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.uncommittedRecords().size() == 3);
			assertThat(scheduler.producer.commitCount()).as("transactions committed before the acknowledgements")
				.isZero();
			scheduler.acknowledgeNext();
			scheduler.acknowledgeNext();
			scheduler.acknowledgeNext();

			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.commitCount() == 1);
			assertThat(scheduler.producer.consumerGroupOffsetsHistory()).singleElement()
				.satisfies(offsets -> assertThat(offsets.get("app.delay-scheduler"))
					.containsOnlyKeys(SchedulerContainer.TIER)
					.hasEntrySatisfying(SchedulerContainer.TIER, offset -> assertThat(offset.offset()).isEqualTo(3)));
			assertThat(scheduler.producer.transactionAborted()).isFalse();
			assertThat(scheduler.producer.history()).hasSize(3);
			assertThat(scheduler.commits()).as("offsets the consumer committed itself").isEmpty();
			assertThat(scheduler.delivered()).containsExactly(0L, 1L, 2L);
		}
	}

}
