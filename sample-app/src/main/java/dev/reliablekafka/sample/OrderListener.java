package dev.reliablekafka.sample;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.stereotype.Component;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;

/**
 * Processes orders. Order A hits a simulated database deadlock on its first two attempts; BLOCKING mode retries it
 * in place, and order B waits behind it.
 */
@Component
class OrderListener {

	private final Timeline timeline;

	private final SimulatedDatabase database;

	OrderListener(Timeline timeline, SimulatedDatabase database) {
		this.timeline = timeline;
		this.database = database;
	}

	@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service", mode = ReliableMode.BLOCKING)
	void onOrder(ConsumerRecord<String, String> order) {
		try {
			this.database.save(order.value());
			this.timeline.processed("order-service", order);
		}
		catch (RuntimeException ex) {
			this.timeline.failed("order-service", order, ex);
			throw ex;
		}
	}

}
