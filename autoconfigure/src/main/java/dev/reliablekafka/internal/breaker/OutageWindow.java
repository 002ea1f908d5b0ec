package dev.reliablekafka.internal.breaker;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The latest outcomes of one listener's records, a fixed number of them: each is a success (weight 0) or a
 * retryable failure (weight 1, 2 for a marked outage exception). A record that fails again while its earlier
 * failure is still in the window is not counted again: one record retried over and over in a quiet stream is no
 * outage. Not thread-safe: its breaker guards it.
 */
final class OutageWindow {

	private final int[] weights;

	private final @Nullable String[] keys;

	// How many failures of each record the window holds.
	private final Map<String, Integer> failing = new HashMap<>();

	private int next;

	private int size;

	private int failures;

	private int successes;

	OutageWindow(int capacity) {
		this.weights = new int[capacity];
		this.keys = new String[capacity];
	}

	void success() {
		add(0, null);
	}

	/**
	 * Count a failure of a record, unless the window holds one of the same record already.
	 * @param weight 1, or 2 for an outage exception
	 * @param key the record's message id
	 * @return whether it was counted
	 */
	boolean failure(int weight, String key) {
		if (this.failing.containsKey(key)) {
			return false;
		}
		add(weight, key);
		this.failing.merge(key, 1, Integer::sum);
		return true;
	}

	private void add(int weight, @Nullable String key) {
		if (this.size == this.weights.length) {
			remove(this.weights[this.next], this.keys[this.next]);
		}
		else {
			this.size++;
		}
		this.weights[this.next] = weight;
		this.keys[this.next] = key;
		this.next = (this.next + 1) % this.weights.length;
		if (weight == 0) {
			this.successes++;
		}
		else {
			this.failures += weight;
		}
	}

	private void remove(int weight, @Nullable String key) {
		if (weight == 0) {
			this.successes--;
			return;
		}
		this.failures -= weight;
		if (key != null) {
			this.failing.computeIfPresent(key, (k, count) -> (count > 1) ? count - 1 : null);
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
		this.failing.clear();
		Arrays.fill(this.keys, null);
	}

}
