package dev.reliablekafka.breaker;

/**
 * The latest outcomes of one listener's records, a fixed number of them: each is a success (weight 0) or a
 * retryable failure (weight 1, 2 for a marked outage exception). Not thread-safe: its breaker guards it.
 */
final class OutageWindow {

	private final int[] weights;

	private int next;

	private int size;

	private int failures;

	private int successes;

	OutageWindow(int capacity) {
		this.weights = new int[capacity];
	}

	void add(int weight) {
		if (this.size == this.weights.length) {
			remove(this.weights[this.next]);
		}
		else {
			this.size++;
		}
		this.weights[this.next] = weight;
		this.next = (this.next + 1) % this.weights.length;
		if (weight == 0) {
			this.successes++;
		}
		else {
			this.failures += weight;
		}
	}

	private void remove(int weight) {
		if (weight == 0) {
			this.successes--;
		}
		else {
			this.failures -= weight;
		}
	}

	/** Failures, weighted: a marked outage exception counts twice. */
	int failures() {
		return this.failures;
	}

	int successes() {
		return this.successes;
	}

	/** The weighted share of failures, 0 when empty. */
	double failureRate() {
		int all = this.failures + this.successes;
		return (all == 0) ? 0.0 : (double) this.failures / all;
	}

	void clear() {
		this.next = 0;
		this.size = 0;
		this.failures = 0;
		this.successes = 0;
	}

}
