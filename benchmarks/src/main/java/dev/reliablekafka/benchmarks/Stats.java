package dev.reliablekafka.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Median and spread of repeated measurements, and percentiles of a distribution.
 *
 * @param median the median
 * @param min the smallest value
 * @param max the largest value
 */
record Stats(double median, double min, double max) {

	static Stats of(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int n = sorted.size();
		double median = (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
		return new Stats(median, sorted.get(0), sorted.get(n - 1));
	}

	static long percentile(List<Long> values, double percentile) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

	String spread() {
		return String.format("%,.0f–%,.0f", this.min, this.max);
	}

}
