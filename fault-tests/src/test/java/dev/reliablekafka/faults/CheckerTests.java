package dev.reliablekafka.faults;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker's order violations, on event logs written by hand: a replay after a rewind and a dead-lettered
 * record are in order, a record processed ahead of an unfinished earlier one is not.
 */
class CheckerTests {

	private static final String TOPIC = "in";

	@Test
	void replayAfterRewindIsInOrder() {
		List<Event> events = List.of(processed("k0", 0), processed("k1", 1), processed("k0", 0), processed("k1", 1),
				processed("k2", 2));
		assertThat(Checker.orderViolations(TOPIC, events, Set.of())).isZero();
	}

	@Test
	void recordAheadOfAFailingOneIsAViolation() {
		List<Event> events = List.of(processed("k0", 0), failed("k1", 1), processed("k2", 2), processed("k1", 1));
		assertThat(Checker.orderViolations(TOPIC, events, Set.of())).isEqualTo(1);
	}

	@Test
	void recordBehindADeadLetteredOneIsInOrder() {
		List<Event> events = List.of(processed("k0", 0), failed("k1", 1), failed("k1", 1), processed("k2", 2));
		assertThat(Checker.orderViolations(TOPIC, events, Set.of("k1"))).isZero();
	}

	private static Event processed(String key, long offset) {
		return new Event('P', key, TOPIC, 0, offset, 0, "0", offset, 0);
	}

	private static Event failed(String key, long offset) {
		return new Event('F', key, TOPIC, 0, offset, 0, "0", offset, 0);
	}

}
