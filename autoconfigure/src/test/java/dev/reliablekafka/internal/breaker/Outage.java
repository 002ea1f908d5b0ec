package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.env.Environment;

import dev.reliablekafka.test.SimulatedDeadlockException;

/**
 * A listener's dependency that goes down as the first record arrives and comes back after a while: the outage a
 * breaker is there for.
 */
final class Outage {

	private final AtomicLong ends = new AtomicLong();

	private final Duration length;

	Outage(Duration length) {
		this.length = length;
	}

	/**
	 * An outage as long as the {@code test.outage} property says, in milliseconds.
	 * @param environment the test application's environment
	 * @return the outage
	 */
	static Outage of(Environment environment) {
		return new Outage(Duration.ofMillis(Long.parseLong(environment.getRequiredProperty("test.outage"))));
	}

	/**
	 * Call the dependency: the first call starts the outage.
	 * @throws SimulatedDeadlockException while it is down
	 */
	void call() {
		this.ends.compareAndSet(0, System.nanoTime() + this.length.toNanos());
		if (System.nanoTime() < this.ends.get()) {
			throw new SimulatedDeadlockException("Database unavailable");
		}
	}

}
