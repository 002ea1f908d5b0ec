package dev.reliablekafka.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Logs, and keeps, a readable line for every attempt to process an order: when, which attempt, and how it ended.
 */
@Component
class Timeline {

	private static final Logger logger = LoggerFactory.getLogger(Timeline.class);

	private final long start = System.nanoTime();

	private final List<Event> events = new ArrayList<>();

	void processed(String group, ConsumerRecord<String, String> order) {
		add(group, order, "processed");
	}

	void failed(String group, ConsumerRecord<String, String> order, Exception ex) {
		add(group, order, "FAILED (" + ex.getMessage() + ")");
	}

	private synchronized void add(String group, ConsumerRecord<String, String> order, String outcome) {
		long attempt = this.events.stream()
			.filter(event -> event.group.equals(group) && event.offset == order.offset()
					&& event.topic.equals(order.topic()))
			.count() + 1;
		Event event = new Event(group, order.topic(), order.offset(), order.key(), (int) attempt, outcome,
				Duration.ofNanos(System.nanoTime() - this.start));
		this.events.add(event);
		logger.info(String.format("[%-14s] +%6.2fs  order %-2s (%s@%d)  attempt %d  %s", group,
				event.at.toMillis() / 1000.0, event.key, event.topic, event.offset, event.attempt, event.outcome));
	}

	synchronized List<Event> events() {
		return List.copyOf(this.events);
	}

	record Event(String group, String topic, long offset, String key, int attempt, String outcome, Duration at) {
	}

}
