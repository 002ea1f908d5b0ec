package dev.reliablekafka.internal.breaker;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outage breaker opens on a record of orders-1, which then moves to another instance: half-open finds no kept
 * record assigned here and resumes every partition. orders-0 is idle, so no outcome follows. When orders-1 comes
 * back (the other instance left), the breaker pauses it as a partition assigned while not closed; it must not stay
 * paused for good only because no other partition yields a record: something must resume it (or let it be tried).
 */
class HalfOpenReassignmentTests extends BreakerBench {

	@Test
	void aPartitionAssignedBackWhileHalfOpenIsNotPausedForever() {
		OutageBreaker breaker = breaker(2, List.of());
		assertThat(breaker.keepsInPlace(record(P1, 0), new IllegalStateException(), this.container)).isFalse();
		assertThat(breaker.keepsInPlace(record(P1, 1), new IllegalStateException(), this.container)).isTrue();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.OPEN);
		// orders-1, with the kept record, moves to another instance.
		this.assigned.remove(P1);
		runScheduled();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.HALF_OPEN);
		assertThat(this.pauseRequested).isEmpty();

		// It comes back; orders-0 yields nothing.
		this.assigned.add(P1);
		breaker.assigned(List.of(P1));
		for (int i = 0; i < 10 && !this.scheduled.isEmpty(); i++) {
			runScheduled(); // every wait the breaker set runs out
		}
		assertThat(this.pauseRequested).as("paused with the breaker %s and nothing scheduled", breaker.state())
			.doesNotContain(P1);
	}

}
