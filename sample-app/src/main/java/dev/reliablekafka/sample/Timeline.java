package dev.reliablekafka.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.reliablekafka.ReliableHeaders;

/**
 * Logs, and keeps, one readable line per delivery of an order to a group: when, from which topic, which attempt,
 * the message id, and how it ended.
 */
@Component
public class Timeline {

	private static final Logger logger = LoggerFactory.getLogger(Timeline.class);

	private final long start = System.nanoTime();

	private final List<Event> events = new ArrayList<>();

	/**
	 * Record a delivery.
	 * @param group the consumer group
	 * @param record the delivered record
	 * @param orderId the order id, or the raw value if it could not be read
	 * @param outcome how it ended
	 */
	public synchronized void add(String group, ConsumerRecord<?, ?> record, String orderId, String outcome) {
		String messageId = header(record, ReliableHeaders.MESSAGE_ID);
		int attempt = (int) this.events.stream()
			.filter(event -> event.group.equals(group) && event.messageId.equals(messageId))
			.count() + 1;
		Event event = new Event(group, orderId, record.topic(), record.partition(), record.offset(), messageId,
				attempt, outcome, Duration.ofNanos(System.nanoTime() - this.start));
		this.events.add(event);
		logger.info(String.format("[%-18s] +%6.2fs  order %-3s %-28s attempt %d  id=%s  %s", group,
				event.at.toMillis() / 1000.0, orderId, record.topic() + "@" + record.offset(), attempt, messageId,
				outcome));
	}

	/**
	 * Return every delivery so far.
	 * @return the events, in order
	 */
	public synchronized List<Event> events() {
		return List.copyOf(this.events);
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "?";
	}

	/**
	 * One delivery.
	 *
	 * @param group the consumer group
	 * @param orderId the order id
	 * @param topic the topic it came from
	 * @param partition its partition
	 * @param offset its offset
	 * @param messageId the stable message id
	 * @param attempt the delivery count of this message in this group
	 * @param outcome how it ended
	 * @param at when, since start-up
	 */
	public record Event(String group, String orderId, String topic, int partition, long offset, String messageId,
			int attempt, String outcome, Duration at) {
	}

}
