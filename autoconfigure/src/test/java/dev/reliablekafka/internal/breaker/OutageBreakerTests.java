package dev.reliablekafka.internal.breaker;

import java.net.ConnectException;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The breaker's rules, without a broker: what opens it (failures and their rate in a sliding window; outage
 * exceptions count twice), what the half-open state resumes, what re-opens and closes it, and that partitions
 * assigned while it is open wait too.
 */
class OutageBreakerTests extends BreakerBench {

	@Test
	void opensOnlyWithEnoughFailuresAtTheRate() {
		OutageBreaker breaker = breaker(6, List.of());
		// 4 failures among 10 outcomes: enough failures, but a rate of 0.4.
		for (int i = 0; i < 6; i++) {
			breaker.succeeded(record(P0, i));
		}
		for (int i = 0; i < 4; i++) {
			assertThat(breaker.keepsInPlace(record(P0, 10 + i), new IllegalStateException(), this.container)).isFalse();
		}
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
		// The successes slide out of the window of 10: the 8th failure makes 8 in 10.
		for (int i = 0; i < 3; i++) {
			assertThat(breaker.keepsInPlace(record(P0, 20 + i), new IllegalStateException(), this.container)).isFalse();
		}
		assertThat(breaker.keepsInPlace(record(P1, 30), new IllegalStateException(), this.container)).isTrue();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.OPEN);
		assertThat(this.pauseRequested).containsExactlyInAnyOrder(P0, P1);
	}

	@Test
	void aRecordFailingAgainAndAgainCountsOnce() {
		OutageBreaker breaker = breaker(6, List.of());
		for (int i = 0; i < 20; i++) {
			assertThat(breaker.keepsInPlace(record(P0, 0), new IllegalStateException(), this.container)).isFalse();
		}
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
		assertThat(breaker.describe()).containsEntry("failures", 1);
	}

	@Test
	void outageExceptionsCountTwice() {
		OutageBreaker breaker = breaker(6, List.of(ConnectException.class));
		RuntimeException outage = new RuntimeException("payment API down", new ConnectException("refused"));
		assertThat(breaker.keepsInPlace(record(P0, 0), outage, this.container)).isFalse();
		assertThat(breaker.keepsInPlace(record(P0, 1), outage, this.container)).isFalse();
		assertThat(breaker.keepsInPlace(record(P0, 2), outage, this.container)).isTrue();
		assertThat(breaker.describe()).containsEntry("failures", 6);
	}

	@Test
	void halfOpenResumesTheKeptRecordsPartitionAloneThenClosesOnSuccess() {
		OutageBreaker breaker = opened(P1);
		runScheduled();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.HALF_OPEN);
		assertThat(this.pauseRequested).containsExactly(P0);
		// The probe fails: open again, both partitions wait.
		assertThat(breaker.keepsInPlace(record(P1, 5), new IllegalStateException(), this.container)).isTrue();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.OPEN);
		assertThat(this.pauseRequested).containsExactlyInAnyOrder(P0, P1);
		assertThat(breaker.describe()).containsEntry("failedTries", 1);
		runScheduled();
		breaker.succeeded(record(P1, 5));
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
		assertThat(this.pauseRequested).isEmpty();
	}

	@Test
	void partitionsAssignedWhileOpenWaitToo() {
		OutageBreaker breaker = opened(P0);
		this.assigned.add(P2);
		breaker.assigned(List.of(P2));
		assertThat(this.pauseRequested).containsExactlyInAnyOrder(P0, P1, P2);
	}

	@Test
	void withoutAnOutcomeFromTheProbeEveryPartitionIsResumed() {
		OutageBreaker breaker = opened(P1);
		runScheduled(); // half-open: P1 alone
		runScheduled(); // no outcome within the wait
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.HALF_OPEN);
		assertThat(this.pauseRequested).isEmpty();
	}

	@Test
	void aKeptPartitionThatMovedAwayLetsAnyPartitionDecide() {
		OutageBreaker breaker = opened(P1);
		this.assigned.remove(P1);
		runScheduled();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.HALF_OPEN);
		assertThat(this.pauseRequested).isEmpty();
	}

	private OutageBreaker opened(TopicPartition failing) {
		OutageBreaker breaker = breaker(6, List.of());
		for (int i = 0; i < 5; i++) {
			assertThat(breaker.keepsInPlace(record(P0, i), new IllegalStateException(), this.container)).isFalse();
		}
		// The 6th failure opens it, and is kept.
		assertThat(breaker.keepsInPlace(record(failing, 5), new IllegalStateException(), this.container)).isTrue();
		return breaker;
	}

}
