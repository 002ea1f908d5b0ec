package dev.reliablekafka.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import dev.reliablekafka.sample.Timeline.Event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app on its embedded broker: the scenario's timeline has the facts the README describes, and an
 * order published over HTTP that always fails ends in each group's dead-letter topic.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "reliable.kafka.defaults.blocking.initial-interval=100ms",
				"reliable.kafka.defaults.retry-topic.delay-levels=200ms,400ms,800ms" })
class OrderServiceApplicationTests {

	@Autowired
	Timeline timeline;

	@LocalServerPort
	int port;

	@Test
	void scenarioTimelineMatchesTheReadme() {
		await().atMost(Duration.ofSeconds(60)).until(() -> processed(OrderListeners.BLOCKING_GROUP).size() == 2
				&& processed(OrderListeners.RETRY_GROUP).size() == 2);

		List<Event> blocking = of(OrderListeners.BLOCKING_GROUP, "A", "B");
		assertThat(blocking).extracting(Event::orderId).containsExactly("A", "A", "A", "B");
		assertThat(blocking).extracting(Event::topic).containsOnly("OrderTopic");

		List<Event> retrying = of(OrderListeners.RETRY_GROUP, "A", "B");
		assertThat(retrying).extracting(Event::orderId).containsExactly("A", "B", "A", "A");
		assertThat(retrying).extracting(Event::topic)
			.containsExactly("OrderTopic", "OrderTopic", "retry.orders-retry-topic", "retry.orders-retry-topic");
		assertThat(retrying.stream().filter(event -> event.orderId().equals("A")).map(Event::messageId).distinct())
			.containsExactly("OrderTopic-0-0");
		assertThat(retrying.get(3).outcome()).isEqualTo("processed");
		assertThat(processed(OrderListeners.RETRY_GROUP)).extracting(Event::orderId).containsExactly("B", "A");
		assertThat(processed(OrderListeners.BLOCKING_GROUP)).extracting(Event::orderId).containsExactly("A", "B");
	}

	@Test
	void alwaysFailingOrderPublishedOverHttpEndsInEachGroupsDeadLetterTopic() {
		Map<String, Object> response = RestClient.create("http://localhost:" + this.port)
			.post()
			.uri("/orders/Z?fail=always")
			.retrieve()
			.body(new ParameterizedTypeReference<Map<String, Object>>() {
			});
		assertThat(response).containsEntry("topic", "OrderTopic");

		await().atMost(Duration.ofSeconds(60)).until(() -> deadLettered("Z").size() == 2);
		assertThat(deadLettered("Z")).extracting(Event::topic)
			.containsExactlyInAnyOrder("dlq.orders-blocking", "dlq.orders-retry-topic");
		assertThat(of(OrderListeners.BLOCKING_GROUP, "Z")).filteredOn(event -> event.outcome().startsWith("FAILED"))
			.hasSize(4);
		assertThat(of(OrderListeners.RETRY_GROUP, "Z")).filteredOn(event -> event.outcome().startsWith("FAILED"))
			.hasSize(4);
	}

	private List<Event> of(String group, String... orders) {
		List<String> wanted = List.of(orders);
		return this.timeline.events()
			.stream()
			.filter(event -> event.group().equals(group) && wanted.contains(event.orderId()))
			.toList();
	}

	private List<Event> processed(String group) {
		return of(group, "A", "B").stream().filter(event -> event.outcome().equals("processed")).toList();
	}

	private List<Event> deadLettered(String order) {
		return this.timeline.events()
			.stream()
			.filter(event -> event.orderId().equals(order) && event.outcome().startsWith("DEAD-LETTERED"))
			.toList();
	}

}
