package dev.reliablekafka.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Scenarios 3 and 6 behind the {@link LatencyProxy}: every client of the contender, its consumers and producers,
 * talks to the broker through the proxy, so every round trip takes {@link BenchmarkBroker#LATENCY} longer, as on a
 * real cluster. The records are written directly, at full speed.
 */
final class LatencyScenarios {

	private static final Duration WORK = Duration.ofNanos(100_000);

	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	private final BenchmarkBroker broker;

	private final Scale scale;

	private final int records;

	private int runCounter;

	LatencyScenarios(BenchmarkBroker broker, Scale scale) {
		this.broker = broker;
		this.scale = scale;
		// Half of scenario 3's records: each failed record costs at least one delayed round trip.
		this.records = Math.max(20, scale.failingRecords() / 2);
	}

	/** 3 and 6 with latency: healthy throughput while 10 % fail once, against our healthy path with latency. */
	String tenPercentFailing() {
		// As in scenario 3, every run reads the same topic, each in a group of its own.
		String topic = this.broker.createTopic("latency", 4);
		this.broker.produce(topic, 4, this.records);
		Stats healthy = measure(Contender.RELIABLE_RETRY_TOPIC, topic, Probe.Failures.NONE, Probe::throughput);
		Map<Contender, Stats> results = new LinkedHashMap<>();
		for (Contender contender : List.of(Contender.RELIABLE_RETRY_TOPIC, Contender.RELIABLE_RETRY_TOPIC_TX,
				Contender.RETRYABLE_TOPIC)) {
			results.put(contender, measure(contender, topic, Probe.Failures.TENTH_ONCE, Probe::healthyThroughput));
		}
		double ours = results.get(Contender.RELIABLE_RETRY_TOPIC).median();
		String latency = "+" + BenchmarkBroker.LATENCY.toMillis() + " ms";
		StringBuilder out = new StringBuilder("## 3 and 6 with " + latency + " per round trip\n\n" + String.format(
				"%,d", this.records) + " records, 100 µs of work per record, every client behind a proxy that adds "
				+ BenchmarkBroker.LATENCY.toMillis() + " ms to each round trip to the broker. Healthy records per second, without failures and while every tenth record fails on its first "
				+ "delivery.\n\n| contender | failures | healthy records/s (median) | spread |\n|---|---|---|---|\n");
		out.append(String.format("| %s | none | %,.0f | %s |%n", Contender.RELIABLE_RETRY_TOPIC.label, healthy.median(),
				healthy.spread()));
		results.forEach((contender, stats) -> out.append(String.format("| %s | 10 %% once | %,.0f | %s |%n",
				contender.label, stats.median(), stats.spread())));
		out.append(String.format("%nOurs with 10 %% failing vs without, both %s: %.2f (target ≥ 0.8).", latency,
				ours / healthy.median()));
		out.append(String.format("%nOurs vs @RetryableTopic: %.2f (target ≥ 3).", ours
				/ results.get(Contender.RETRYABLE_TOPIC).median()));
		out.append(String.format("%nTransactions vs without (scenario 6): %.2f (target ≥ 0.85).%n",
				results.get(Contender.RELIABLE_RETRY_TOPIC_TX).median() / ours));
		return out.toString();
	}

	private Stats measure(Contender contender, String topic, Probe.Failures failures, ToDoubleFunction<Probe> figure) {
		List<Double> values = new ArrayList<>();
		for (int run = 0; run < this.scale.warmUps() + this.scale.runs(); run++) {
			Probe probe = new Probe(WORK, failures, this.records);
			long connections = this.broker.delayedConnections();
			try (AutoCloseable running = contender.start(this.broker, topic, topic + "-g" + (++this.runCounter), probe,
					"spring.kafka.bootstrap-servers=" + this.broker.delayedBootstrapServers(),
					"reliable.kafka.defaults.retry-topic.delay-levels=1s",
					"reliable.kafka.defaults.retry-topic.first-delay-level=1")) {
				long deadline = System.nanoTime() + TIMEOUT.toNanos();
				while (!probe.done()) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("Timed out");
					}
					Thread.sleep(5);
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			if (this.broker.delayedConnections() == connections) {
				throw new IllegalStateException(contender.label + " did not connect through the latency proxy");
			}
			if (run >= this.scale.warmUps()) {
				values.add(figure.applyAsDouble(probe));
			}
		}
		return Stats.of(values);
	}

}
