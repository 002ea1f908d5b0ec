package dev.reliablekafka.deadletter;

import org.junit.jupiter.api.Test;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redrive moves records no faster than its rate: 30 records at 20 per second take about a second and a half,
 * never much less. Only the ratio is checked, loosely, and only as a lower bound on the time.
 */
class RedriveRateLimitTests {

	@Test
	void movesNoFasterThanTheRate() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				DeadLetterFixture fixture = new DeadLetterFixture(kafka, 1)) {
			for (int i = 0; i < 30; i++) {
				fixture.deadLetter(0, System.currentTimeMillis(), "k" + i, "v" + i, "m" + i,
						"java.lang.IllegalStateException");
			}

			RedriveResult result = fixture.deadLetters().redrive(fixture.group,
					RedriveRequest.dryRunOfAll().withDryRun(false).withRate(20.0));

			assertThat(result.moved()).isEqualTo(30);
			// The first record goes at once, each next one 1/20 s later: at least 29/20 s, with slack for timers.
			assertThat(result.durationMillis()).isGreaterThanOrEqualTo(1300);
			assertThat(fixture.retried(30)).hasSize(30);
		}
	}

}
