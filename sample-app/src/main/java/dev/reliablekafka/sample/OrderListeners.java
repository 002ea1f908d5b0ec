package dev.reliablekafka.sample;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.ReliableHeaders;

/**
 * The same order processing in two consumer groups, one per guarantee, plus a plain {@code @KafkaListener} that
 * reports what reaches the dead-letter topics.
 */
@Component
class OrderListeners {

	static final String BLOCKING_GROUP = "orders-blocking";

	static final String RETRY_GROUP = "orders-retry-topic";

	private final OrderDatabase database;

	private final Timeline timeline;

	OrderListeners(OrderDatabase database, Timeline timeline) {
		this.database = database;
		this.timeline = timeline;
	}

	@ReliableListener(id = "blocking", topics = "OrderTopic", groupId = BLOCKING_GROUP, mode = ReliableMode.BLOCKING)
	void inOrder(Order order, ConsumerRecord<String, String> record) {
		process(BLOCKING_GROUP, order, record);
	}

	@ReliableListener(id = "retrying", topics = "OrderTopic", groupId = RETRY_GROUP, mode = ReliableMode.RETRY_TOPIC)
	void withRetryTopic(Order order, ConsumerRecord<String, String> record) {
		process(RETRY_GROUP, order, record);
	}

	@KafkaListener(id = "dead-letters", topics = { "dlq." + BLOCKING_GROUP, "dlq." + RETRY_GROUP },
			groupId = "dead-letter-report")
	void deadLettered(ConsumerRecord<String, String> record) {
		String group = new String(record.headers().lastHeader(ReliableHeaders.GROUP).value(), StandardCharsets.UTF_8);
		this.timeline.add(group, record, record.key(), "DEAD-LETTERED in " + record.topic());
	}

	private void process(String group, Order order, ConsumerRecord<String, String> record) {
		try {
			this.database.save(group, order);
		}
		catch (RuntimeException ex) {
			this.timeline.add(group, record, order.id(), "FAILED: " + ex.getMessage());
			throw ex;
		}
		this.timeline.add(group, record, order.id(), "processed");
	}

}
