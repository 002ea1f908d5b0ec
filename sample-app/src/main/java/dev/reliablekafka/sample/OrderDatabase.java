package dev.reliablekafka.sample;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Stands for the order database of each consumer group: saving an order deadlocks as many times as the order
 * asks for, until the cause of an order's failures is fixed.
 */
@Component
class OrderDatabase {

	private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

	private final Set<String> fixed = ConcurrentHashMap.newKeySet();

	void save(String group, Order order) {
		int attempt = this.attempts.merge(group + "/" + order.id(), 1, Integer::sum);
		if (this.fixed.contains(order.id())) {
			return;
		}
		if (order.failures() == Order.ALWAYS || attempt <= order.failures()) {
			throw new IllegalStateException("Deadlock found when trying to get lock (attempt " + attempt + ")");
		}
	}

	/**
	 * Fix what makes saving an order fail: from now on it saves.
	 * @param orderId the order
	 */
	void fix(String orderId) {
		this.fixed.add(orderId);
	}

}
