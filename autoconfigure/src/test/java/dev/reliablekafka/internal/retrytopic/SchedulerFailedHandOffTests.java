package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: of three due records handed over without waiting, the middle one's hand-off fails after
 * the scheduler's listener moved on. The commit stops at that record, the partition is rewound to it, nothing
 * after it is committed until it was handed over, and it is tried again after the retry interval, not at once.
 */
class SchedulerFailedHandOffTests {

	@Test
	void failedHandOffInTheMiddleOfAPollStopsTheCommitAndRewindsToIt() {
		try (SchedulerContainer scheduler = new SchedulerContainer().records(3)) {
			scheduler.start(Duration.ofSeconds(30));
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.history().size() == 3);
			await("a poll before any hand-off was answered").atMost(Duration.ofSeconds(10))
				.until(() -> scheduler.pollsBeforeAnyAnswer() >= 1);

			scheduler.acknowledgeNext();
			scheduler.failNext();
			scheduler.acknowledgeNext();

			// Rewound to record 1 and committed up to it; delivered again, it waits for the retry interval.
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.commits().contains(1L)
					&& scheduler.calls().stream().filter("seek 1"::equals).count() == 2);
			List<String> calls = scheduler.calls();
			assertThat(calls.indexOf("seek 1")).as("rewound before the commit up to it")
				.isLessThan(calls.indexOf("commit 1"));
			assertThat(scheduler.delivered()).startsWith(0L, 1L, 2L, 1L, 2L);
			assertThat(scheduler.producer.history()).as("sent before the retry interval passed").hasSize(3);

			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.producer.history().size() == 5);
			assertThat(scheduler.commits()).as("commits before record 1 was handed over").allMatch(offset -> offset <= 1);
			scheduler.acknowledgeNext();
			scheduler.acknowledgeNext();
			await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.commits().contains(3L));
			assertThat(scheduler.delivered()).containsExactly(0L, 1L, 2L, 1L, 2L, 1L, 2L);
		}
	}

}
