package dev.reliablekafka.internal.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the container-contract tests over one {@link GatedContainer} reading {@code orders-0}: the fixture, closed
 * after each test, and the failures a test scripts for its listener.
 */
abstract class GatedContainerContract {

	static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	final GatedContainer fixture;

	GatedContainerContract() {
		this(false);
	}

	/**
	 * Create the fixture.
	 * @param transactional whether forwards are transactional
	 */
	GatedContainerContract(boolean transactional) {
		this.fixture = new GatedContainer(transactional);
	}

	@AfterEach
	void stop() {
		this.fixture.close();
	}

	/**
	 * A listener's failure that happens once per record: the record fails at its first delivery and is processed
	 * when delivered again.
	 * @param failing the records that fail
	 * @return whether the listener fails on a record
	 */
	static Predicate<String> failingOnce(Predicate<String> failing) {
		Set<String> failedOnce = ConcurrentHashMap.newKeySet();
		return value -> failing.test(value) && failedOnce.add(value);
	}

}
