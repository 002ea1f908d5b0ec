package dev.reliablekafka.deadletter;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A redrive moves only the records that match its time window, exception class and message ids, at most
 * {@code maxCount} of them; the others stay for later redrives.
 */
class RedriveFilterTests {

	private static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

	@Test
	void movesOnlyWhatTheFiltersSelect() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				DeadLetterFixture fixture = new DeadLetterFixture(kafka, 1)) {
			for (int i = 0; i < 6; i++) {
				fixture.deadLetter(0, T0 + i * 1000, "k" + i, "v" + i, "m" + i,
						(i < 3) ? "java.lang.IllegalStateException" : "java.io.UncheckedIOException");
			}
			DeadLetters deadLetters = fixture.deadLetters();
			RedriveRequest run = RedriveRequest.dryRunOfAll().withDryRun(false);

			RedriveResult window = deadLetters.redrive(fixture.group,
					run.withWindow(Instant.ofEpochMilli(T0 + 1000), Instant.ofEpochMilli(T0 + 4000))
						.withException("UncheckedIOException"));
			assertThat(window.records()).extracting(RedriveResult.Entry::messageId).containsExactly("m3", "m4");
			assertThat(window.skipped()).isEqualTo(4);

			RedriveResult ids = deadLetters.redrive(fixture.group, run.withMessageIds(List.of("m0", "m5", "m9")));
			assertThat(ids.records()).extracting(RedriveResult.Entry::messageId).containsExactly("m0", "m5");

			fixture.deadLetter(0, T0 + 6000, "k6", "v6", "m6", "java.lang.IllegalStateException");
			RedriveResult limited = deadLetters.redrive(fixture.group, run.withMaxCount(2));
			assertThat(limited.records()).extracting(RedriveResult.Entry::messageId).containsExactly("m1", "m2");
			assertThat(limited.stoppedBecause()).isEqualTo("maxCount 2 reached");
			RedriveResult rest = deadLetters.redrive(fixture.group, run.withMaxCount(2));
			assertThat(rest.records()).extracting(RedriveResult.Entry::messageId).containsExactly("m6");
			assertThat(rest.stoppedBecause()).isNull();

			assertThat(fixture.retried(7)).extracting(record -> header(record, ReliableHeaders.MESSAGE_ID))
				.containsExactly("m3", "m4", "m0", "m5", "m1", "m2", "m6");
			assertThatThrownBy(() -> run.withWindow(Instant.ofEpochMilli(T0 + 1), Instant.ofEpochMilli(T0)))
				.isInstanceOf(InvalidDeadLetterRequestException.class)
				.hasMessageContaining("is after to");
			assertThatThrownBy(() -> run.withMaxCount(0)).hasMessageContaining("maxCount is 0");
		}
	}

}
