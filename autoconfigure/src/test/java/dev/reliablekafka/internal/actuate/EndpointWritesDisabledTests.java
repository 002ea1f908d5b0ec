package dev.reliablekafka.internal.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.reliablekafka.internal.actuate.EndpointApp.Response;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code reliable.kafka.redrive.enabled=true} the endpoint refuses to move records (403, nothing written or
 * committed) but answers dry runs; once enabled, the same request moves the record.
 */
class EndpointWritesDisabledTests {

	@Test
	void redriveIsRefusedUnlessEnabledAndDryRunsAreAnswered() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED); EndpointApp app = new EndpointApp(kafka)) {
			app.deadLetter(app.source + "-0-3");
			String redrive = "/actuator/reliablekafka/" + app.group + "/redrive";

			Response refused = app.post(redrive, "{\"dryRun\":false}");
			assertThat(refused.status()).isEqualTo(403);
			assertThat(refused.json()).isEqualTo(Map.of("error", "redrive is disabled: set "
					+ "reliable.kafka.redrive.enabled=true to move records (dry runs are always answered)"));

			Response dryRun = app.post(redrive, "{}");
			assertThat(dryRun.status()).isEqualTo(200);
			assertThat(dryRun.json()).containsEntry("dryRun", true).containsEntry("moved", 1);
			assertThat(app.retryTopicEnd()).isZero();
			assertThat(app.redriveCommitted()).isEqualTo(-1);
		}
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				EndpointApp app = new EndpointApp(kafka, "reliable.kafka.redrive.enabled=true")) {
			app.deadLetter(app.source + "-0-3");
			app.deadLetter(app.source + "-0-4");
			app.deadLetter(app.source + "-0-5");
			Response moved = app.post("/actuator/reliablekafka/" + app.group + "/redrive",
					"{\"dryRun\":false,\"messageIds\":\"" + app.source + "-0-3, " + app.source + "-0-5\"}");
			assertThat(moved.status()).isEqualTo(200);
			assertThat(moved.json()).containsEntry("dryRun", false).containsEntry("moved", 2);
			assertThat(app.retryTopicEnd()).isEqualTo(2);
			assertThat(app.redriveCommitted()).isEqualTo(1);
		}
	}

}
