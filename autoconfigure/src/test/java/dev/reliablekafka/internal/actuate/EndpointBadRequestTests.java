package dev.reliablekafka.internal.actuate;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.reliablekafka.internal.actuate.EndpointApp.Response;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint over HTTP: the overview lists the listener with its policy and topics, browsing works, and bad
 * input (an unknown group, a limit out of range, values that cannot be read) gets a 400 that says what is wrong,
 * with nothing written or committed, even with redrives enabled.
 */
class EndpointBadRequestTests {

	@Test
	@SuppressWarnings("unchecked")
	void badInputGetsA400AndChangesNothing() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				EndpointApp app = new EndpointApp(kafka, "reliable.kafka.redrive.enabled=true")) {
			app.deadLetter(app.source + "-0-7");

			Response overview = app.get("/actuator/reliablekafka");
			assertThat(overview.status()).isEqualTo(200);
			Map<String, Object> listener = ((List<Map<String, Object>>) overview.json().get("listeners")).get(0);
			assertThat(listener).containsEntry("id", "orders")
				.containsEntry("group", app.group)
				.containsEntry("mode", "RETRY_TOPIC");
			assertThat((Map<String, Object>) listener.get("origins")).containsEntry("mode", "annotation")
				.containsEntry("retry-topic.max-reconsume-times", "built-in");
			assertThat((Map<String, Object>) listener.get("depths")).containsEntry("dlq." + app.group, 1);
			assertThat((Map<String, Object>) listener.get("topics")).containsEntry("source", List.of(app.source))
				.containsEntry("retry", "retry." + app.group)
				.containsEntry("deadLetter", "dlq." + app.group);
			assertThat((Map<String, Object>) ((Map<String, Object>) listener.get("policy")).get("breaker"))
				.containsEntry("enabled", false)
				.containsEntry("firstWait", "5s");
			assertThat((Map<String, Object>) ((Map<String, Object>) listener.get("policy")).get("retryTopic"))
				.containsEntry("firstDelayLevel", 3)
				.containsEntry("maxReconsumeTimes", 16);
			assertThat(overview.json().get("redrive"))
				.isEqualTo(Map.of("enabled", true, "maxRedrives", 3, "rate", 100.0));

			Response browse = app
				.get("/actuator/reliablekafka/" + app.group + "/dead-letters?limit=5&exception=IllegalStateException");
			assertThat(browse.status()).isEqualTo(200);
			assertThat(browse.body()).contains("\"messageId\":\"" + app.source + "-0-7\"");

			assertBadRequest(app.get("/actuator/reliablekafka/no-such-group/dead-letters"),
					"'no-such-group' is not the group of a reliable listener with a dead-letter topic; groups: ["
							+ app.group + "]");
			assertBadRequest(app.get("/actuator/reliablekafka/" + app.group + "/dead-letters?limit=0"),
					"limit is 0 but must be between 1 and 1000");
			assertBadRequest(app.get("/actuator/reliablekafka/" + app.group + "/dead-letters?limit=many"),
					"limit is 'many' but must be a whole number");
			assertBadRequest(app.get("/actuator/reliablekafka/" + app.group + "/dead-letters?from=yesterday"),
					"from is 'yesterday' but must be an ISO-8601 time such as 2026-11-26T10:15:30Z, "
							+ "or epoch milliseconds");
			assertBadRequest(app.post("/actuator/reliablekafka/no-such-group/redrive", "{\"dryRun\":false}"),
					"'no-such-group' is not the group of a reliable listener with a dead-letter topic; groups: ["
							+ app.group + "]");
			assertBadRequest(app.post("/actuator/reliablekafka/" + app.group + "/redrive",
					"{\"dryRun\":false,\"maxCount\":0}"), "maxCount is 0 but must be at least 1");
			assertBadRequest(app.post("/actuator/reliablekafka/" + app.group + "/redrive",
					"{\"dryRun\":false,\"target\":\"SIDEWAYS\"}"),
					"target is 'SIDEWAYS' but must be RETRY (the group's retry topic) "
							+ "or ORIGINAL (the record's original topic)");
			assertBadRequest(app.post("/actuator/reliablekafka/" + app.group + "/redrive",
					"{\"dryRun\":\"perhaps\"}"), "dryRun is 'perhaps' but must be true or false");
			assertBadRequest(app.post("/actuator/reliablekafka/" + app.group + "/redrive",
					"{\"dryRun\":false,\"rate\":-5}"),
					"rate is -5.0 but must be a positive number of records per second");
			assertBadRequest(app.post("/actuator/reliablekafka/" + app.group + "/redrive",
					"{\"dryRun\":false,\"from\":\"2026-11-26T10:00:00Z\",\"to\":\"2026-11-25T10:00:00Z\"}"),
					"from (2026-11-26T10:00:00Z) is after to (2026-11-25T10:00:00Z)");
			assertThat(app.get("/actuator/reliablekafka/" + app.group + "/nothing").status()).isEqualTo(404);

			assertThat(app.retryTopicEnd()).isZero();
			assertThat(app.redriveCommitted()).isEqualTo(-1);
		}
	}

	private static void assertBadRequest(Response response, String error) {
		assertThat(response.status()).as(response.body()).isEqualTo(400);
		assertThat(response.json()).isEqualTo(Map.of("error", error));
	}

}
