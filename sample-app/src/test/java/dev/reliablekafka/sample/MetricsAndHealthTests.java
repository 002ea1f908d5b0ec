package dev.reliablekafka.sample;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app exposes Reliable Kafka's meters at {@code /actuator/prometheus} and its health contributor at
 * {@code /actuator/health}: after the scenario, order A's two in-place retries and its forwards to the delay
 * tiers are counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "reliable.kafka.defaults.blocking.initial-interval=100ms",
				"reliable.kafka.defaults.retry-topic.delay-levels=200ms,400ms,800ms" })
class MetricsAndHealthTests {

	@LocalServerPort
	int port;

	@Test
	void prometheusShowsTheScenarioAndHealthShowsTheListeners() {
		RestClient client = RestClient.create("http://localhost:" + this.port);
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			String metrics = client.get().uri("/actuator/prometheus").retrieve().body(String.class);
			assertThat(counter(metrics, "listener=\"blocking\"", "outcome=\"retried-in-place\""))
				.isGreaterThanOrEqualTo(2);
			assertThat(counter(metrics, "listener=\"retrying\"", "outcome=\"forwarded\"", "level=\"200ms\""))
				.isGreaterThanOrEqualTo(1);
			assertThat(counter(metrics, "listener=\"retrying\"", "outcome=\"forwarded\"", "level=\"400ms\""))
				.isGreaterThanOrEqualTo(1);
		});

		Map<String, Object> health = client.get()
			.uri("/actuator/health")
			.retrieve()
			.body(new ParameterizedTypeReference<Map<String, Object>>() {
			});
		@SuppressWarnings("unchecked")
		Map<String, Object> reliableKafka = (Map<String, Object>) ((Map<String, Object>) health.get("components"))
			.get("reliableKafka");
		assertThat(reliableKafka).containsEntry("status", "UP");
		assertThat(reliableKafka.get("details").toString()).contains("blocking", "retrying", "assignment");
	}

	// The value of the reliable_kafka_records_failed_total line that has every given label.
	private static double counter(String metrics, String... labels) {
		Matcher lines = Pattern.compile("(?m)^reliable_kafka_records_failed_total\\{(.*)} (\\S+)$").matcher(metrics);
		while (lines.find()) {
			String found = lines.group(1);
			boolean all = true;
			for (String label : labels) {
				all &= found.contains(label);
			}
			if (all) {
				return Double.parseDouble(lines.group(2));
			}
		}
		return -1;
	}

}
