package dev.reliablekafka.faults;

/**
 * How the fault-test application's listener handles failures.
 */
enum Mode {

	/** Retried in place; order kept. */
	BLOCKING("BLOCKING", "BLOCKING", false),

	/** Handed to the retry path, each forward awaited before the commit. */
	RETRY_TOPIC("RETRY_TOPIC", "RETRY_TOPIC", false),

	/** Handed to the retry path in Kafka transactions with the consumed offsets. */
	RETRY_TOPIC_TX("RETRY_TOPIC + transactions", "RETRY_TOPIC", true);

	private final String label;

	private final String listenerMode;

	private final boolean transactional;

	Mode(String label, String listenerMode, boolean transactional) {
		this.label = label;
		this.listenerMode = listenerMode;
		this.transactional = transactional;
	}

	String label() {
		return this.label;
	}

	String listenerMode() {
		return this.listenerMode;
	}

	boolean transactional() {
		return this.transactional;
	}

	boolean blocking() {
		return this == BLOCKING;
	}

}
