package dev.reliablekafka.faults;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short run's RETRY_TOPIC scenario against an application whose forwarder reports every forward as
 * acknowledged without sending it: the checker must report the records it dropped as lost, so a loss in the
 * library would fail the short run.
 */
class BrokenForwarderTests {

	@Test
	void checkerReportsTheRecordsABrokenForwarderDropped() {
		Result result = new Scenarios(SharedBroker.get(), SharedBroker.dir().resolve("broken"), 11).consumerKills(
				Mode.RETRY_TOPIC, 2_000, 0, Duration.ofSeconds(4), Duration.ofSeconds(10),
				"--faults.broken-forwarder=true");
		System.out.println("Broken forwarder: " + result.row());
		assertThat(result.passed()).isFalse();
		// About 10 % fail on their first delivery and 1 % always: every one of them is dropped.
		assertThat(result.lost()).isGreaterThan(100);
		assertThat(result.deadLettered()).isZero();
		// And it committed their offsets before anything had them.
		assertThat(result.problems()).anyMatch(problem -> problem.contains("commits past a record"));
	}

}
