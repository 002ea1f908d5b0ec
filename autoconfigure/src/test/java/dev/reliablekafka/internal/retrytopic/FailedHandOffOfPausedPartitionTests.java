package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: a poll holds a due record and, behind it, one due in a minute. The due record's hand-off
 * is still in flight when the poll is committed, so the commit stops at it, and the partition is rewound to the
 * record behind it and paused until that one is due. Then the hand-off fails. The partition is rewound to the
 * failed record, which must be tried again after {@link SchedulerListener#FORWARD_RETRY_INTERVAL}, not only
 * when the pause for the later record ends.
 */
class FailedHandOffOfPausedPartitionTests {

	@Test
	void recordWhoseHandOffFailedWhileItsPartitionWaitsForALaterRecordIsTriedAgainAfterTheRetryInterval() {
		long now = System.currentTimeMillis();
		try (SchedulerContainer scheduler = new SchedulerContainer().record("due", "orders", now - 1)
			.record("later", "orders", now + Duration.ofMinutes(1).toMillis())) {
			scheduler.start(Duration.ofSeconds(30));
			// Committed up to the hand-off in flight, rewound to the later record and paused until it is due.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> scheduler.calls().contains("seek 1") && scheduler.producer.history().size() == 1);

			scheduler.failNext();

			await("the gate rewinds to the failed record").atMost(Duration.ofSeconds(10))
				.until(() -> scheduler.calls().contains("seek 0"));
			await("the failed record delivered again within a few retry intervals").atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(scheduler.delivered()).hasSizeGreaterThanOrEqualTo(3).startsWith(0L, 1L, 0L));
		}
	}

}
