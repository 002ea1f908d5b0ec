package dev.reliablekafka.deadletter;

import org.junit.jupiter.api.Test;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dry run (the default request) reports what it would move and where, and writes and remembers nothing: a real
 * redrive afterwards still moves every record.
 */
class RedriveDryRunTests {

	@Test
	void dryRunReportsWithoutWritingOrRemembering() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				DeadLetterFixture fixture = new DeadLetterFixture(kafka, 1)) {
			for (int i = 0; i < 3; i++) {
				fixture.deadLetter(0, System.currentTimeMillis(), "k" + i, "v" + i, "m" + i,
						"java.lang.IllegalStateException");
			}
			DeadLetters deadLetters = fixture.deadLetters();

			RedriveResult dryRun = deadLetters.redrive(fixture.group, RedriveRequest.dryRunOfAll());
			assertThat(dryRun.dryRun()).isTrue();
			assertThat(dryRun.moved()).isEqualTo(3);
			assertThat(dryRun.target()).isEqualTo(fixture.retryTopic());
			assertThat(dryRun.records()).extracting(RedriveResult.Entry::outcome).containsOnly("would move");
			assertThat(dryRun.records()).extracting(RedriveResult.Entry::messageId).containsExactly("m0", "m1", "m2");
			assertThat(fixture.retryEnd()).isZero();
			assertThat(fixture.redriveCommitted(0)).isEqualTo(-1);

			RedriveResult again = deadLetters.redrive(fixture.group, RedriveRequest.dryRunOfAll());
			assertThat(again.moved()).isEqualTo(3);

			RedriveResult real = deadLetters.redrive(fixture.group, RedriveRequest.dryRunOfAll().withDryRun(false));
			assertThat(real.moved()).isEqualTo(3);
			assertThat(fixture.retried(3)).hasSize(3);
		}
	}

}
