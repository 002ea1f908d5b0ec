package dev.reliablekafka.deadletter;

import java.time.Instant;
import java.util.Base64;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Browsing a dead-letter topic of two partitions: newest first over both, limited, filtered by time window and
 * exception class, with bounded previews of text and binary values, and without committing any offset.
 */
class DeadLetterBrowseTests {

	private static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

	@Test
	void browsesNewestFirstWithFiltersAndCommitsNothing() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				DeadLetterFixture fixture = new DeadLetterFixture(kafka, 2)) {
			for (int i = 0; i < 6; i++) {
				String exception = (i % 3 == 0) ? "java.lang.IllegalArgumentException"
						: "dev.reliablekafka.test.SimulatedDeadlockException";
				fixture.deadLetter(i % 2, T0 + i * 60_000, "k" + i, "{\"order\":" + i + "}", "m" + i, exception);
			}
			byte[] binary = new byte[400];
			for (int i = 0; i < binary.length; i++) {
				binary[i] = (byte) i;
			}
			RecordHeaders headers = fixture.headers("m6", "java.lang.IllegalStateException");
			fixture.write(1, T0 + 6 * 60_000, null, binary, headers);
			DeadLetters deadLetters = fixture.deadLetters();

			DeadLetterPage newest = deadLetters.browse(fixture.group, DeadLetterQuery.newest(3));
			assertThat(newest.topic()).isEqualTo(fixture.deadLetterTopic());
			assertThat(newest.records()).extracting(DeadLetter::messageId).containsExactly("m6", "m5", "m4");
			DeadLetter last = newest.records().get(0);
			assertThat(last.key()).isNull();
			assertThat(last.value().encoding()).isEqualTo(Preview.BASE64);
			assertThat(last.value().size()).isEqualTo(400);
			assertThat(last.value().truncated()).isTrue();
			assertThat(Base64.getDecoder().decode(last.value().text())).hasSize(256);
			assertThat(last.partition()).isEqualTo(1);
			assertThat(last.timestamp()).isEqualTo(Instant.ofEpochMilli(T0 + 6 * 60_000));
			assertThat(last.headers()).containsEntry(ReliableHeaders.GROUP, fixture.group);
			DeadLetter text = newest.records().get(1);
			assertThat(text.value()).isEqualTo(new Preview(Preview.UTF_8, "{\"order\":5}", 11, false));
			assertThat(text.key().text()).isEqualTo("k5");
			assertThat(text.redriven()).isFalse();

			assertThat(deadLetters
				.browse(fixture.group, new DeadLetterQuery(10, null, null, "IllegalArgumentException"))
				.records()).extracting(DeadLetter::messageId).containsExactly("m3", "m0");
			assertThat(deadLetters.browse(fixture.group, new DeadLetterQuery(10, null, null,
					"dev.reliablekafka.test.SimulatedDeadlockException"))
				.records()).extracting(DeadLetter::messageId).containsExactly("m5", "m4", "m2", "m1");
			assertThat(deadLetters.browse(fixture.group, new DeadLetterQuery(10, Instant.ofEpochMilli(T0 + 60_000),
					Instant.ofEpochMilli(T0 + 3 * 60_000), null))
				.records()).extracting(DeadLetter::messageId).containsExactly("m3", "m2", "m1");
			assertThat(deadLetters.browse(fixture.group, new DeadLetterQuery(1, Instant.ofEpochMilli(T0 + 60_000),
					null, "IllegalArgumentException"))
				.records()).extracting(DeadLetter::messageId).containsExactly("m3");

			assertThatThrownBy(() -> deadLetters.browse("no-such-group", DeadLetterQuery.newest(1)))
				.isInstanceOf(InvalidDeadLetterRequestException.class)
				.hasMessageContaining("'no-such-group' is not the group of a reliable listener");
			assertThatThrownBy(() -> DeadLetterQuery.newest(0)).hasMessageContaining("limit is 0");
			assertThat(fixture.redriveCommitted(0)).isEqualTo(-1);
			assertThat(fixture.redriveCommitted(1)).isEqualTo(-1);
		}
	}

}
