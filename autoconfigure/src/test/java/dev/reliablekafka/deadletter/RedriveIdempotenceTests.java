package dev.reliablekafka.deadletter;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redrive remembers what it moved in its group's committed offsets: run twice, it moves each record once; a
 * filtered redrive leaves the other records for a later one, which moves them and only them; records
 * dead-lettered later are moved by the next run.
 */
class RedriveIdempotenceTests {

	@Test
	void runningTwiceMovesEachRecordOnce() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				DeadLetterFixture fixture = new DeadLetterFixture(kafka, 2)) {
			for (int i = 0; i < 8; i++) {
				String exception = (i % 2 == 0) ? "java.lang.IllegalStateException" : "java.io.UncheckedIOException";
				long now = System.currentTimeMillis();
				fixture.deadLetter(i % 2 == 0 ? 0 : 1, now, "k" + i, "v" + i, "m" + i, exception);
				fixture.deadLetter(0, now, "x" + i, "v" + i, "x" + i, "java.io.UncheckedIOException");
			}
			DeadLetters deadLetters = fixture.deadLetters();
			RedriveRequest all = RedriveRequest.dryRunOfAll().withDryRun(false);

			RedriveResult illegalState = deadLetters.redrive(fixture.group,
					all.withException("IllegalStateException"));
			assertThat(illegalState.moved()).isEqualTo(4);
			assertThat(illegalState.skipped()).isEqualTo(12);
			assertThat(deadLetters.redrive(fixture.group, all.withException("IllegalStateException")).moved())
				.isZero();

			RedriveResult rest = deadLetters.redrive(fixture.group, all);
			assertThat(rest.moved()).isEqualTo(12);
			// m0, at offset 0, is below the committed position and not even read; m2, m4 and m6 are remembered
			// above it.
			assertThat(rest.alreadyRedriven()).isEqualTo(3);
			RedriveResult nothing = deadLetters.redrive(fixture.group, all);
			assertThat(nothing.moved()).isZero();
			assertThat(nothing.alreadyRedriven()).isZero();
			assertThat(fixture.redriveCommitted(0)).isEqualTo(12);
			assertThat(fixture.redriveCommitted(1)).isEqualTo(4);
			assertThat(deadLetters.browse(fixture.group, DeadLetterQuery.newest(100)).records())
				.allMatch(DeadLetter::redriven);

			fixture.deadLetter(1, System.currentTimeMillis(), "late", "v", "late", "java.lang.IllegalStateException");
			assertThat(deadLetters.redrive(fixture.group, all).records()).extracting(RedriveResult.Entry::messageId)
				.containsExactly("late");

			List<ConsumerRecord<byte[], byte[]>> retried = fixture.retried(17);
			assertThat(retried).hasSize(17);
			assertThat(retried.stream().map(record -> header(record, ReliableHeaders.MESSAGE_ID)).distinct())
				.hasSize(17);
		}
	}

}
