package dev.reliablekafka.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Scenario 8, a downstream outage: every delivery fails for 30 s, then all succeed. During the outage the listener
 * does nothing but hand records over, so the rate of failed deliveries is its hand-off rate; afterwards, how long it
 * takes until every record was processed. Measured on the in-process broker and behind the latency proxy, for our
 * RETRY_TOPIC listener and for {@code @RetryableTopic}. Then the same outage with 3 retries: how many records
 * each contender dead-letters, ours with and without the outage breaker, and how long after the outage every record
 * was processed or dead-lettered.
 */
final class OutageScenario {

	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	private final BenchmarkBroker broker;

	private final Duration outage;

	private final int records;

	private final int budgetRecords;

	private int runCounter;

	OutageScenario(BenchmarkBroker broker, Scale scale) {
		this.broker = broker;
		this.outage = (scale == Scale.SMOKE) ? Duration.ofSeconds(2) : Duration.ofSeconds(30);
		// More than any contender can hand over in the outage: the listener never runs out of records to fail.
		this.records = scale.healthyRecords() / 4;
		this.budgetRecords = scale.failingRecords();
	}

	String run() {
		StringBuilder out = new StringBuilder("## 8. Outage\n\n" + String.format("%,d", this.records)
				+ " records written before the listener starts, no work per record; every delivery fails for the first "
				+ this.outage.toSeconds() + " s after the first one, then all succeed. Retries after 1 s, as many as "
				+ "the outage needs (nothing reaches the dead-letter topic). Hand-offs/s: failed deliveries during the "
				+ "outage, each handed over to a retry tier or topic, per second. Drain: from the end of the outage "
				+ "until every record was processed.\n\n"
				+ "| contender | round trip | hand-offs/s | hand-offs | drain s |\n|---|---|---|---|---|\n");
		List<String> rows = new ArrayList<>();
		for (boolean delayed : List.of(false, true)) {
			for (Contender contender : List.of(Contender.RELIABLE_RETRY_TOPIC, Contender.RETRYABLE_TOPIC)) {
				rows.add(row(contender, delayed));
			}
		}
		rows.forEach(out::append);
		out.append(deadLetters());
		return out.toString();
	}

	/**
	 * The outage with 3 retries: records dead-lettered and drain, ours with and without the outage breaker, and
	 * {@code @RetryableTopic}.
	 */
	String deadLetters() {
		StringBuilder out = new StringBuilder();
		out.append("\nWith 3 retries, 1 s apart, and ").append(String.format("%,d", this.budgetRecords))
			.append(" records (in-process): dead-lettered records, and drain: from the end of the outage until every "
					+ "record was processed or dead-lettered. The breaker has its default settings (opens at 10 "
					+ "failures in the latest 50 records, first try after 5 s, then 10 s, 20 s, at most 1 min).\n\n"
					+ "| contender | dead-lettered | processed | drain s |\n|---|---|---|---|\n");
		out.append(deadLetterRow(Contender.RELIABLE_RETRY_TOPIC, false));
		out.append(deadLetterRow(Contender.RELIABLE_RETRY_TOPIC, true));
		out.append(deadLetterRow(Contender.RETRYABLE_TOPIC, false));
		return out.toString();
	}

	private String deadLetterRow(Contender contender, boolean breaker) {
		String topic = this.broker.createTopic("outage-budget", 4);
		this.broker.produce(topic, 4, this.budgetRecords);
		Probe probe = new Probe(Duration.ZERO, Probe.Failures.OUTAGE, this.budgetRecords).outage(this.outage);
		String group = topic + "-g" + (++this.runCounter);
		String deadLetters = (contender == Contender.RETRYABLE_TOPIC) ? topic + "-dlt" : "dlq." + group;
		List<String> properties = new ArrayList<>(List.of("reliable.kafka.defaults.retry-topic.delay-levels=1s",
				"reliable.kafka.defaults.retry-topic.first-delay-level=1",
				"reliable.kafka.defaults.retry-topic.max-reconsume-times=3", "bench.retry-delay=1000",
				"bench.attempts=4"));
		if (breaker) {
			properties.add("reliable.kafka.defaults.breaker.enabled=true");
		}
		long deadLettered;
		long finished;
		try (AutoCloseable running = contender.start(this.broker, topic, group, probe,
				properties.toArray(String[]::new))) {
			waitFor(() -> probe.outageEnd() != 0 && System.nanoTime() >= probe.outageEnd());
			// Counting the dead letters asks the broker: every 50 ms is often enough.
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (probe.processed() + this.broker.count(deadLetters) < this.budgetRecords) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Timed out");
				}
				Thread.sleep(50);
			}
			finished = System.nanoTime();
			deadLettered = this.broker.count(deadLetters);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		double drain = Math.max(0, finished - probe.outageEnd()) / 1e9;
		return String.format("| %s | %,d | %,d | %.1f |%n",
				contender.label + (breaker ? " + outage breaker" : ""), deadLettered, probe.processed(), drain);
	}

	private String row(Contender contender, boolean delayed) {
		String topic = this.broker.createTopic("outage", 4);
		this.broker.produce(topic, 4, this.records);
		Probe probe = new Probe(Duration.ZERO, Probe.Failures.OUTAGE, this.records).outage(this.outage);
		List<String> properties = new ArrayList<>(List.of("reliable.kafka.defaults.retry-topic.delay-levels=1s",
				"reliable.kafka.defaults.retry-topic.first-delay-level=1",
				"reliable.kafka.defaults.retry-topic.max-reconsume-times=1000", "bench.retry-delay=1000",
				"bench.attempts=1000"));
		if (delayed) {
			properties.add("spring.kafka.bootstrap-servers=" + this.broker.delayedBootstrapServers());
		}
		long failedInOutage;
		long connections = this.broker.delayedConnections();
		try (AutoCloseable running = contender.start(this.broker, topic, topic + "-g" + (++this.runCounter), probe,
				properties.toArray(String[]::new))) {
			waitFor(() -> probe.outageEnd() != 0 && System.nanoTime() >= probe.outageEnd());
			failedInOutage = probe.failed();
			waitFor(probe::done);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		if (delayed && this.broker.delayedConnections() == connections) {
			throw new IllegalStateException(contender.label + " did not connect through the latency proxy");
		}
		double drain = Math.max(0, probe.lastProcessed() - probe.outageEnd()) / 1e9;
		return String.format("| %s | %s | %,.0f | %,d | %.1f |%n", contender.label,
				delayed ? "+" + BenchmarkBroker.LATENCY.toMillis() + " ms" : "in-process",
				failedInOutage / (this.outage.toNanos() / 1e9), failedInOutage, drain);
	}

	private static void waitFor(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out");
			}
			Thread.sleep(5);
		}
	}

}
