package dev.reliablekafka.test;

/**
 * A transient processing failure, as a database deadlock would be.
 */
public class SimulatedDeadlockException extends RuntimeException {

	public SimulatedDeadlockException(String message) {
		super(message);
	}

}
