package dev.reliablekafka.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces records {@code k0000000} to {@code k<n-1>} (value = key) to the scenario's input topic, record i to
 * partition i modulo the partition count, in bursts spread evenly over a time, from a thread of its own; then tells which
 * ones the broker acknowledged.
 */
final class Workload {

	private final String bootstrapServers;

	private final String topic;

	private final int partitions;

	private final int records;

	private final Duration spread;

	private final int burst;

	private final List<Future<RecordMetadata>> sent = new ArrayList<>();

	private final Thread thread;

	private volatile long finishedAt;

	/**
	 * @param burst how many records are sent at once: bursts make polls of many records, so that a crash finds
	 * processed records whose offsets are not committed yet
	 */
	Workload(String bootstrapServers, String topic, int partitions, int records, Duration spread, int burst) {
		this.bootstrapServers = bootstrapServers;
		this.topic = topic;
		this.partitions = partitions;
		this.records = records;
		this.spread = spread;
		this.burst = Math.max(1, burst);
		this.thread = new Thread(this::produce, "workload-" + topic);
	}

	static String key(int index) {
		return String.format("k%07d", index);
	}

	void start() {
		this.thread.start();
	}

	private void produce() {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
				ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5,
				ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000),
				new StringSerializer(), new StringSerializer())) {
			long start = System.nanoTime();
			long spreadNanos = this.spread.toNanos();
			for (int i = 0; i < this.records; i++) {
				long due = start + spreadNanos * (i / this.burst * this.burst) / this.records;
				long wait = due - System.nanoTime();
				if (wait > 1_000_000) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				String key = key(i);
				synchronized (this.sent) {
					this.sent.add(producer.send(new ProducerRecord<>(this.topic, i % this.partitions, key, key)));
				}
			}
			producer.flush();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			System.err.println("Workload stopped: " + ex);
		}
		finally {
			this.finishedAt = System.currentTimeMillis();
		}
	}

	/**
	 * Wait until every record was sent, and return the keys the broker acknowledged.
	 * @param timeout how long to wait
	 */
	Set<String> awaitAcknowledged(Duration timeout) {
		try {
			this.thread.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.thread.isAlive()) {
			this.thread.interrupt();
		}
		Set<String> acknowledged = new TreeSet<>();
		synchronized (this.sent) {
			for (int i = 0; i < this.sent.size(); i++) {
				try {
					this.sent.get(i).get(1, TimeUnit.SECONDS);
					acknowledged.add(key(i));
				}
				catch (Exception ex) {
					// Not acknowledged: not counted as produced.
				}
			}
		}
		return acknowledged;
	}

	long finishedAt() {
		return this.finishedAt;
	}

}
