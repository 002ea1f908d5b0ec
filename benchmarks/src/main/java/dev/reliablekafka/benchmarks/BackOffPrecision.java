package dev.reliablekafka.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;

/**
 * Scenario 9, back-off precision: how much longer than configured a BLOCKING back-off waits, and how many fetch
 * requests a consumer makes the broker serve for it, while it retries and while it idles.
 */
final class BackOffPrecision {

	private static final int PARTITIONS = 8;

	private static final String LISTENER = "precision";

	private static final Duration TIMEOUT = Duration.ofMinutes(3);

	static volatile Recorder recorder = new Recorder();

	private final BenchmarkBroker broker;

	private final boolean smoke;

	private int runCounter;

	BackOffPrecision(BenchmarkBroker broker, Scale scale) {
		this.broker = broker;
		this.smoke = "smoke".equals(scale.name());
	}

	String run() {
		int burst = this.smoke ? 16 : 200;
		int steady = this.smoke ? 8 : 40;
		Duration idle = this.smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
		StringBuilder out = new StringBuilder("## 9. Back-off precision\n\nBLOCKING listener, " + PARTITIONS
				+ " partitions on one broker; every record fails once and is retried after the back-off. Late = "
				+ "second delivery − first delivery − configured back-off. Burst: all records are written at once, so "
				+ "the back-offs of a partition follow each other, each partition with a consumer thread of its own "
				+ "(concurrency " + PARTITIONS + "), or all on one thread. Steady: records arrive one at a time, 5 a "
				+ "second, on one consumer thread, each failure alone. Fetches: the consumer's fetch requests (its "
				+ "`fetch-total`) over the run, per failed record. Run: from the first failure to the last retry.\n\n"
				+ "| back-off | arrival | consumer threads | fetch.max.wait.ms | records | late p50 ms | late p99 ms "
				+ "| late max ms | early | fetches per failure | run s |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
		List<Double> idleRates = new ArrayList<>();
		for (Duration backOff : List.of(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1))) {
			row(out, backOff, burst, false, PARTITIONS, null, null, idleRates);
		}
		row(out, Duration.ofMillis(50), burst, false, 1, null, null, idleRates);
		row(out, Duration.ofMillis(50), steady, true, 1, null, idle, idleRates);
		row(out, Duration.ofMillis(50), steady, true, 1, "10", idle, idleRates);
		out.append(String.format("%nFetch requests per second while the one consumer thread idles (all records "
				+ "processed, measured over %d s): %.1f with the default fetch.max.wait.ms (500), %.1f with 10 ms.%n",
				idle.toSeconds(), idleRates.get(0), idleRates.get(1)));
		return out.append("\nTarget: late p99 ≤ 20 ms, 0 early, idle fetch rate as with the default wait.\n").toString();
	}

	private void row(StringBuilder out, Duration backOff, int records, boolean steady, int threads,
			@Nullable String fetchWait, @Nullable Duration idle, List<Double> idleRates) {
		String topic = this.broker.createTopic("precision", PARTITIONS);
		String group = topic + "-g" + (++this.runCounter);
		Recorder recording = new Recorder();
		recorder = recording;
		try (ConfigurableApplicationContext app = start(topic, group, backOff, threads, fetchWait)) {
			MessageListenerContainer container = app.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer(LISTENER);
			// Written once every consumer has its partitions, so that no rebalance moves a partition that waits.
			this.broker.awaitGroups(group, 1);
			if (steady) {
				this.broker.produceAtRate(topic, PARTITIONS, records, 5);
			}
			else {
				this.broker.produce(topic, PARTITIONS, records);
			}
			waitFor(() -> recording.processed.get() >= records);
			double fetches = fetchTotal(container);
			List<Long> late = recording.late(backOff);
			long early = late.stream().filter(value -> value < 0).count();
			out.append(String.format("| %d ms | %s | %d | %s | %d | %d | %d | %d | %d | %.1f | %.1f |%n", backOff.toMillis(),
					steady ? "steady" : "burst", threads, (fetchWait != null) ? fetchWait : "500 (default)",
					late.size(), Stats.percentile(late, 50), Stats.percentile(late, 99), Stats.percentile(late, 100),
					early, fetches / late.size(), recording.seconds()));
			if (idle != null) {
				Thread.sleep(1_000);
				double before = fetchTotal(container);
				Thread.sleep(idle.toMillis());
				idleRates.add((fetchTotal(container) - before) / (idle.toMillis() / 1000.0));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private ConfigurableApplicationContext start(String topic, String group, Duration backOff, int threads,
			@Nullable String fetchWait) {
		List<String> properties = new ArrayList<>(List.of("spring.kafka.bootstrap-servers=" + this.broker.bootstrapServers(),
				"spring.main.banner-mode=off", "logging.level.root=WARN", "logging.level.dev.reliablekafka=ERROR",
				"logging.level.org.springframework.kafka=ERROR", "spring.kafka.consumer.auto-offset-reset=earliest",
				"spring.kafka.consumer.key-deserializer=" + ByteArrayDeserializer.class.getName(),
				"spring.kafka.consumer.value-deserializer=" + ByteArrayDeserializer.class.getName(),
				"spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
				"spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
				"spring.application.name=" + group, "bench.topic=" + topic, "bench.group=" + group,
				"reliable.kafka.defaults.blocking.initial-interval=" + backOff.toMillis() + "ms",
				"reliable.kafka.defaults.blocking.multiplier=1", "bench.concurrency=" + threads));
		if (fetchWait != null) {
			properties.add("spring.kafka.consumer.fetch-max-wait=" + fetchWait + "ms");
		}
		return new SpringApplicationBuilder(Contender.Application.class, PrecisionListener.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	private static double fetchTotal(MessageListenerContainer container) {
		double total = 0;
		for (Map<MetricName, ? extends Metric> metrics : container.metrics().values()) {
			for (Map.Entry<MetricName, ? extends Metric> metric : metrics.entrySet()) {
				MetricName name = metric.getKey();
				if (name.name().equals("fetch-total") && name.group().equals("consumer-fetch-manager-metrics")
						&& !name.tags().containsKey("topic")) {
					total += ((Number) metric.getValue().metricValue()).doubleValue();
				}
			}
		}
		return total;
	}

	private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out");
			}
			Thread.sleep(5);
		}
	}

	/**
	 * Fails each record on its first delivery and measures the time to its second.
	 */
	static final class Recorder {

		private final Map<String, Long> failedAt = new ConcurrentHashMap<>();

		private final List<Long> waits = new ArrayList<>();

		private final AtomicInteger processed = new AtomicInteger();

		private volatile long first;

		private volatile long last;

		void handle(ConsumerRecord<byte[], byte[]> record) {
			long now = System.nanoTime();
			String key = record.partition() + "-" + new String(record.key(), StandardCharsets.UTF_8);
			Long failed = this.failedAt.putIfAbsent(key, now);
			if (failed == null) {
				if (this.first == 0) {
					this.first = now;
				}
				throw new IllegalStateException("Simulated failure");
			}
			synchronized (this.waits) {
				this.waits.add(now - failed);
			}
			this.last = now;
			this.processed.incrementAndGet();
		}

		double seconds() {
			return (this.last - this.first) / 1e9;
		}

		List<Long> late(Duration backOff) {
			synchronized (this.waits) {
				return this.waits.stream().map(wait -> Math.floorDiv(wait - backOff.toNanos(), 1_000_000L)).toList();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrecisionListener {

		@ReliableListener(id = LISTENER, topics = "${bench.topic}", groupId = "${bench.group}",
				concurrency = "${bench.concurrency}", mode = ReliableMode.BLOCKING)
		void on(ConsumerRecord<byte[], byte[]> record) {
			recorder.handle(record);
		}

	}

}
