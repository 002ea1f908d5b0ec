package dev.reliablekafka.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import dev.reliablekafka.sample.Timeline.Event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's redrive, through the sample app's actuator endpoint: an order that always fails ends in the
 * dead-letter topics, the endpoint shows it, its cause is fixed, and a redrive of it from
 * {@code dlq.orders-retry-topic} gets it processed from the group's retry topic.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "reliable.kafka.defaults.blocking.initial-interval=100ms",
				"reliable.kafka.defaults.retry-topic.delay-levels=200ms,400ms,800ms" })
class DeadLetterRedriveTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Autowired
	Timeline timeline;

	@LocalServerPort
	int port;

	@Test
	@SuppressWarnings("unchecked")
	void fixedOrderIsRedrivenThroughTheEndpoint() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		Map<String, Object> published = http.post().uri("/orders/R?fail=always").retrieve().body(JSON);
		String messageId = "OrderTopic-0-" + published.get("offset");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> events("R").stream()
				.filter(event -> event.outcome().startsWith("DEAD-LETTERED"))
				.count() == 2);

		Map<String, Object> overview = http.get().uri("/actuator/reliablekafka").retrieve().body(JSON);
		assertThat((List<Map<String, Object>>) overview.get("listeners")).extracting(listener -> listener.get("group"))
			.containsExactlyInAnyOrder(OrderListeners.BLOCKING_GROUP, OrderListeners.RETRY_GROUP);
		Map<String, Object> deadLetters = http.get()
			.uri("/actuator/reliablekafka/orders-retry-topic/dead-letters?limit=5&exception=IllegalStateException")
			.retrieve()
			.body(JSON);
		assertThat((List<Map<String, Object>>) deadLetters.get("records")).extracting(record -> record.get("messageId"))
			.contains(messageId);

		http.post().uri("/orders/R/fix").retrieve().toBodilessEntity();
		Map<String, Object> redrive = http.post()
			.uri("/actuator/reliablekafka/orders-retry-topic/redrive")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("messageIds", messageId, "dryRun", false))
			.retrieve()
			.body(JSON);
		assertThat(redrive).containsEntry("moved", 1).containsEntry("target", "retry.orders-retry-topic");

		await().atMost(Duration.ofSeconds(30))
			.until(() -> events("R").stream()
				.anyMatch(event -> event.group().equals(OrderListeners.RETRY_GROUP)
						&& event.topic().equals("retry.orders-retry-topic") && event.outcome().equals("processed")));
		int status = http.post()
			.uri("/actuator/reliablekafka/orders-blocking/redrive")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("dryRun", false))
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(400);
	}

	private List<Event> events(String order) {
		return this.timeline.events().stream().filter(event -> event.orderId().equals(order)).toList();
	}

}
