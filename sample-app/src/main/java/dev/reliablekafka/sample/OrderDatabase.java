package dev.reliablekafka.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Stands for the order database of each consumer group: saving an order deadlocks as many times as the order
 * asks for.
 */
@Component
class OrderDatabase {

	private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

	void save(String group, Order order) {
		int attempt = this.attempts.merge(group + "/" + order.id(), 1, Integer::sum);
		if (order.failures() == Order.ALWAYS || attempt <= order.failures()) {
			throw new IllegalStateException("Deadlock found when trying to get lock (attempt " + attempt + ")");
		}
	}

}
