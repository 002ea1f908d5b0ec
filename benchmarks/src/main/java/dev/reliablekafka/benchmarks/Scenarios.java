package dev.reliablekafka.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The scenarios of the harness. Each returns a markdown section with absolute figures and the ratios tracked
 * against the targets.
 */
final class Scenarios {

	private static final Duration WORK = Duration.ofNanos(100_000);

	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	private static final int STEADY_RATE = 200;

	private static final String SHORT_FETCH_WAIT = "10ms";

	private final BenchmarkBroker broker;

	private final Scale scale;

	private final Map<String, Double> healthyRates = new LinkedHashMap<>();

	private int runCounter;

	Scenarios(BenchmarkBroker broker, Scale scale) {
		this.broker = broker;
		this.scale = scale;
	}

	/** 1. Healthy path: throughput without failures, without work and with 100 µs of work per record. */
	String healthyPath() {
		StringBuilder out = new StringBuilder("## 1. Healthy path\n\n");
		out.append("| contender | work | records/s (median) | spread | × raw | × @KafkaListener |\n|---|---|---|---|---|---|\n");
		for (Duration work : List.of(Duration.ZERO, WORK)) {
			int records = work.isZero() ? this.scale.healthyRecords() : this.scale.workRecords();
			String topic = this.broker.createTopic("healthy", 4);
			this.broker.produce(topic, 4, records);
			Map<Contender, Stats> results = measureInterleaved(List.of(Contender.RAW, Contender.PLAIN,
					Contender.RELIABLE_BLOCKING, Contender.RELIABLE_RETRY_TOPIC), topic, work, records);
			results.forEach((contender, stats) -> this.healthyRates.put(contender.name() + work, stats.median()));
			double raw = results.get(Contender.RAW).median();
			double plain = results.get(Contender.PLAIN).median();
			results.forEach((contender, stats) -> out.append(String.format("| %s | %s | %,.0f | %s | %.2f | %.2f |%n",
					contender.label, label(work), stats.median(), stats.spread(), stats.median() / raw,
					stats.median() / plain)));
		}
		return out.append("\nTargets: ours ≥ 0.95× raw and ≥ 1.0× @KafkaListener.\n").toString();
	}

	/** 2. BLOCKING isolation: one partition's head fails for 5 s; the other three keep their rate. */
	String blockingIsolation() {
		int perPartition = this.scale.isolationRecordsPerPartition();
		String topic = this.broker.createTopic("isolation", 4);
		this.broker.produce(topic, 4, perPartition * 4);
		List<Double> baseline = new ArrayList<>();
		List<Double> during = new ArrayList<>();
		for (int run = 0; run < this.scale.runs(); run++) {
			baseline.add(otherPartitionsRate(topic, Probe.Failures.NONE, perPartition * 4));
			during.add(otherPartitionsRate(topic, Probe.Failures.HEAD_OF_PARTITION_0, perPartition * 4));
		}
		Stats base = Stats.of(baseline);
		Stats failing = Stats.of(during);
		return "## 2. BLOCKING isolation\n\nOne consumer thread, 4 partitions, 100 µs of work per record; the head record "
				+ "of partition 0 fails for 5 s (back-off 1 s). The thread's rate on partitions 1–3 while partition 0 "
				+ "waits, against its rate on all four partitions without failure: the waiting partition must not slow "
				+ "the thread down.\n\n"
				+ "| | records/s (median) | spread |\n|---|---|---|\n"
				+ String.format("| no failure, partitions 0–3 | %,.0f | %s |%n", base.median(), base.spread())
				+ String.format("| during the 5 s failure, partitions 1–3 | %,.0f | %s |%n", failing.median(),
						failing.spread())
				+ String.format("%nRatio %.2f (target ≥ 0.95).%n", failing.median() / base.median());
	}

	private double otherPartitionsRate(String topic, Probe.Failures failures, int records) {
		Probe probe = new Probe(WORK, failures, records);
		try (AutoCloseable running = Contender.RELIABLE_BLOCKING.start(this.broker, topic, group(topic), probe,
				"reliable.kafka.defaults.blocking.initial-interval=1s", "reliable.kafka.defaults.blocking.multiplier=1")) {
			if (failures == Probe.Failures.NONE) {
				waitFor(probe::done);
				return probe.throughput();
			}
			waitFor(() -> probe.headFailingSince() != 0);
			long from = System.nanoTime();
			long before = others(probe);
			long until = probe.headFailingSince() + Probe.HEAD_FAILURE.toNanos();
			waitFor(() -> System.nanoTime() >= until || others(probe) >= 3L * (records / 4));
			double rate = (others(probe) - before) / ((System.nanoTime() - from) / 1e9);
			waitFor(probe::done);
			return rate;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long others(Probe probe) {
		return probe.partitionCount(1) + probe.partitionCount(2) + probe.partitionCount(3);
	}

	/** 3 and 6. 10 % of records fail once: throughput of the healthy ones, ours against @RetryableTopic. */
	String tenPercentFailing() {
		String topic = this.broker.createTopic("ten-percent", 4);
		int records = this.scale.failingRecords();
		this.broker.produce(topic, 4, records);
		Map<Contender, Stats> results = new LinkedHashMap<>();
		for (Contender contender : List.of(Contender.RELIABLE_RETRY_TOPIC, Contender.RELIABLE_RETRY_TOPIC_TX,
				Contender.RETRYABLE_TOPIC)) {
			results.put(contender, measure(contender, topic, WORK, Probe.Failures.TENTH_ONCE, records,
					Probe::healthyThroughput));
		}
		Double healthy = this.healthyRates.get(Contender.RELIABLE_RETRY_TOPIC.name() + WORK);
		double ours = results.get(Contender.RELIABLE_RETRY_TOPIC).median();
		double theirs = results.get(Contender.RETRYABLE_TOPIC).median();
		double transactional = results.get(Contender.RELIABLE_RETRY_TOPIC_TX).median();
		StringBuilder out = new StringBuilder("## 3. 10 % of records fail once\n\n" + records + " records, 100 µs "
				+ "of work per record; healthy records per second while every tenth record fails on its first "
				+ "delivery.\n\n"
				+ "| contender | healthy records/s (median) | spread |\n|---|---|---|\n");
		results.forEach((contender, stats) -> out
			.append(String.format("| %s | %,.0f | %s |%n", contender.label, stats.median(), stats.spread())));
		if (healthy != null) {
			out.append(String.format("%nOurs vs our healthy path (scenario 1, 100 µs): %.2f (target ≥ 0.85).", ours / healthy));
		}
		out.append(String.format("%nOurs vs @RetryableTopic: %.2f (target ≥ 3).%n", ours / theirs));
		out.append(String.format("%n## 6. Exactly-once hand-off%n%nScenario 3 with transactions vs without: %.2f "
				+ "(target ≥ 0.85).%n", transactional / ours));
		return out.toString();
	}

	/** 4. Redelivery lateness: every record fails once; how late is its redelivery against its due time. */
	String lateness() {
		StringBuilder out = new StringBuilder("## 4. Redelivery lateness\n\nEvery record fails once; 1 s delay. "
				+ "Lateness = redelivered at − due at. Steady: records are written at " + STEADY_RATE
				+ "/s while the consumer runs. Backlog: all are written before it starts, so its one thread fails "
				+ "every record first and the redeliveries queue behind that work. Hand-off: how late the scheduler wrote "
				+ "the record to the retry topic; the rest is the listener consumer's, whose fetch.max.wait.ms "
				+ "bounds how long a new retry record can wait for a fetch in flight.\n\n"
				+ "| contender | arrival | p50 ms | p99 ms | max ms | early | redelivered | hand-off p50 / p99 ms |\n"
				+ "|---|---|---|---|---|---|---|---|\n");
		latenessRow(out, Contender.RELIABLE_RETRY_TOPIC, this.scale.latenessRecords(), true, null);
		latenessRow(out, Contender.RELIABLE_RETRY_TOPIC, this.scale.latenessRecords(), true, SHORT_FETCH_WAIT);
		latenessRow(out, Contender.RELIABLE_RETRY_TOPIC, this.scale.latenessRecords(), false, null);
		latenessRow(out, Contender.RETRYABLE_TOPIC, this.scale.slowLatenessRecords(), true, null);
		latenessRow(out, Contender.RETRYABLE_TOPIC, this.scale.slowLatenessRecords(), true, SHORT_FETCH_WAIT);
		return out.append("\nTarget: p99 ≤ 20 ms, 0 early.\n").toString();
	}

	private void latenessRow(StringBuilder out, Contender contender, int records, boolean steady,
			@Nullable String fetchWait) {
		String topic = this.broker.createTopic("lateness", 4);
		if (!steady) {
			this.broker.produce(topic, 4, records);
		}
		Probe probe = new Probe(Duration.ZERO, Probe.Failures.ALL_ONCE, records);
		String group = group(topic);
		try (AutoCloseable running = contender.start(this.broker, topic, group, probe,
				"reliable.kafka.defaults.retry-topic.delay-levels=1s",
				"reliable.kafka.defaults.retry-topic.first-delay-level=1", "bench.retry-delay=1000",
				"spring.kafka.consumer.fetch-max-wait=" + ((fetchWait != null) ? fetchWait : "500ms"))) {
			if (steady) {
				// Ours: the listener's group and the scheduler's; @RetryableTopic: main, retry and dead-letter.
				this.broker.awaitGroups(group, (contender == Contender.RETRYABLE_TOPIC) ? 3 : 2);
				this.broker.produceAtRate(topic, 4, records, STEADY_RATE);
			}
			waitFor(probe::done);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		List<Long> lateness = probe.lateness();
		long early = lateness.stream().filter(value -> value < 0).count();
		List<Long> handOff = probe.handOffLateness();
		out.append(String.format("| %s | %s, %,d records, fetch.max.wait.ms %s | %d | %d | %d | %d | %d | %s |%n",
				contender.label, steady ? "steady" : "backlog", records, (fetchWait != null) ? fetchWait : "500 (default)", Stats.percentile(lateness, 50),
				Stats.percentile(lateness, 99), Stats.percentile(lateness, 100), early, lateness.size(),
				handOff.isEmpty() ? "n/a" : Stats.percentile(handOff, 50) + " / " + Stats.percentile(handOff, 99)));
	}

	/** 5. Parked backlog: heap after GC with records waiting in a delay tier. */
	String parkedBacklog() {
		long small = heapWithParked(this.scale.parkedSmall());
		long large = heapWithParked(this.scale.parkedLarge());
		return "## 5. Parked backlog\n\nHeap used after GC by the whole JVM (broker included) with the scheduler "
				+ "running over a delay tier holding the records.\n\n| parked records | heap used MiB |\n|---|---|\n"
				+ String.format("| %,d | %,.1f |%n| %,d | %,.1f |%n", this.scale.parkedSmall(), small / 1048576.0,
						this.scale.parkedLarge(), large / 1048576.0)
				+ String.format("%nRatio %.2f (target ≤ 1.1).%n", (double) large / small);
	}

	private long heapWithParked(int records) {
		String topic = this.broker.createTopic("parked-source", 1);
		String group = group(topic);
		String namespace = group.replace('_', '-');
		String tier = namespace + ".delay.1h";
		RecordHeaders headers = new RecordHeaders();
		headers.add("reliable-due-time", Long.toString(System.currentTimeMillis() + 3_600_000).getBytes(StandardCharsets.UTF_8));
		headers.add("reliable-group", group.getBytes(StandardCharsets.UTF_8));
		this.broker.createTopicNamed(tier, 1);
		this.broker.produce(tier, records, index -> 0, headers);
		Probe probe = new Probe(Duration.ZERO, Probe.Failures.NONE, 1);
		try (AutoCloseable running = Contender.RELIABLE_RETRY_TOPIC.start(this.broker, topic, group, probe,
				"reliable.kafka.defaults.retry-topic.delay-levels=1h", "reliable.kafka.defaults.retry-topic.first-delay-level=1")) {
			Thread.sleep(5_000);
			return heapAfterGc();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long heapAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/** 7. Topic footprint: topics created for 20 source topics read by one group with 5 retries. */
	String topicFootprint() {
		List<String> topics = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			topics.add(this.broker.createTopic("footprint" + i, 1));
		}
		String list = String.join(",", topics);
		int ours = createdTopics(Contender.RELIABLE_RETRY_TOPIC, topics.get(0), "bench.topic=" + list,
				"reliable.kafka.defaults.retry-topic.max-reconsume-times=5");
		int defaults = createdTopics(Contender.RETRYABLE_TOPIC, topics.get(0), "bench.topic=" + list,
				"bench.attempts=6");
		return "## 7. Topic footprint\n\n20 source topics read by one group, 5 retries.\n\n"
				+ "| contender | topics created |\n|---|---|\n"
				+ String.format("| %s | %d |%n| %s, 6 attempts | %d |%n", Contender.RELIABLE_RETRY_TOPIC.label, ours,
						Contender.RETRYABLE_TOPIC.label, defaults);
	}

	private int createdTopics(Contender contender, String topic, String... properties) {
		Set<String> before = new HashSet<>(this.broker.topics());
		Probe probe = new Probe(Duration.ZERO, Probe.Failures.NONE, 0);
		try (AutoCloseable running = contender.start(this.broker, topic, group(topic), probe, properties)) {
			Thread.sleep(3_000);
			Set<String> after = new HashSet<>(this.broker.topics());
			after.removeAll(before);
			after.removeIf(name -> name.startsWith("__"));
			return after.size();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Stats measure(Contender contender, String topic, Duration work, Probe.Failures failures, int records,
			java.util.function.ToDoubleFunction<Probe> figure) {
		List<Double> values = new ArrayList<>();
		for (int run = 0; run < this.scale.warmUps() + this.scale.runs(); run++) {
			Probe probe = new Probe(work, failures, records);
			try (AutoCloseable running = contender.start(this.broker, topic, group(topic), probe,
					"reliable.kafka.defaults.retry-topic.delay-levels=1s",
					"reliable.kafka.defaults.retry-topic.first-delay-level=1")) {
				waitFor(probe::done);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			if (run >= this.scale.warmUps()) {
				values.add(figure.applyAsDouble(probe));
			}
		}
		return Stats.of(values);
	}

	/**
	 * Measure contenders in rounds, each round in another order, so that none gets all the JIT warm-up, garbage
	 * collections or neighbours' load of one stretch of the run; the first rounds are warm-ups.
	 */
	private Map<Contender, Stats> measureInterleaved(List<Contender> contenders, String topic, Duration work,
			int records) {
		Map<Contender, List<Double>> values = new LinkedHashMap<>();
		contenders.forEach(contender -> values.put(contender, new ArrayList<>()));
		for (int round = 0; round < this.scale.warmUps() + this.scale.runs(); round++) {
			for (int i = 0; i < contenders.size(); i++) {
				Contender contender = contenders.get((i + round) % contenders.size());
				Probe probe = new Probe(work, Probe.Failures.NONE, records);
				try (AutoCloseable running = contender.start(this.broker, topic, group(topic), probe)) {
					waitFor(probe::done);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				if (round >= this.scale.warmUps()) {
					values.get(contender).add(probe.throughput());
				}
			}
		}
		Map<Contender, Stats> results = new LinkedHashMap<>();
		values.forEach((contender, measured) -> results.put(contender, Stats.of(measured)));
		return results;
	}

	private String group(String topic) {
		return topic + "-g" + (++this.runCounter);
	}

	private static String label(Duration work) {
		return work.isZero() ? "none" : (work.toNanos() / 1000) + " µs";
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
