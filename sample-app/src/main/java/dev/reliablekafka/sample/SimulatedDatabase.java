package dev.reliablekafka.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Stands for the order database: an order whose text is {@code fail:<n>:<id>} deadlocks on its first n saves.
 */
@Component
class SimulatedDatabase {

	private final Map<String, Integer> saves = new ConcurrentHashMap<>();

	void save(String order) {
		int attempt = this.saves.merge(order, 1, Integer::sum);
		if (order.startsWith("fail:")) {
			int failures = Integer.parseInt(order.split(":")[1]);
			if (attempt <= failures) {
				throw new IllegalStateException("Deadlock found when trying to get lock (attempt " + attempt + ")");
			}
		}
	}

}
