package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: the scheduler hands due records over the way the failure router forwards failed ones,
 * without waiting. Its listener returns and the consumer polls again while the broker has not acknowledged any
 * hand-off yet, and the tier is committed only up to the first hand-off not acknowledged, the rest once it is.
 */
class SchedulerHandOffsPipelinedTests {

	@Test
	void schedulerPollsAgainBeforeItsHandOffsAreAcknowledgedAndCommitsOnlyThoseThatWere() {
		try (SchedulerContainer scheduler = new SchedulerContainer().records(3)) {
			scheduler.start(Duration.ofSeconds(30));

			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.history().size() == 3);
			await("polls before any hand-off was acknowledged").atMost(Duration.ofSeconds(10))
				.until(() -> scheduler.pollsBeforeAnyAnswer() >= 3);
			assertThat(scheduler.commits()).as("commits before any acknowledgement").allMatch(offset -> offset == 0);

			scheduler.acknowledgeNext();
			scheduler.acknowledgeNext();
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.commits().contains(2L));
			assertThat(scheduler.commits()).as("commits while record 2 is not acknowledged").allMatch(offset -> offset <= 2);

			scheduler.acknowledgeNext();
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.commits().contains(3L));
			assertThat(scheduler.producer.history()).extracting(ProducerRecord::topic)
				.containsExactly("retry.orders", "retry.orders", "retry.orders");
			assertThat(scheduler.delivered()).containsExactly(0L, 1L, 2L);
		}
	}

}
