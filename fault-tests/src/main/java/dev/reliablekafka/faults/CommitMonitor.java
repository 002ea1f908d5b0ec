package dev.reliablekafka.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples the group's committed offsets of the input topic twice a second, so that the checker can tell whether
 * an offset was ever committed past a record that was neither processed nor handed over yet.
 */
final class CommitMonitor implements AutoCloseable {

	private static final Duration LONGEST = Duration.ofMinutes(20);

	private final BrokerProcess broker;

	private final String group;

	private final String topic;

	private final List<Sample> samples = new ArrayList<>();

	private final Thread thread;

	private volatile boolean running = true;

	CommitMonitor(BrokerProcess broker, String group, String topic) {
		this.broker = broker;
		this.group = group;
		this.topic = topic;
		this.thread = new Thread(this::sample, "commit-monitor-" + group);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void sample() {
		long deadline = System.nanoTime() + LONGEST.toNanos();
		while (this.running && System.nanoTime() < deadline) {
			try (Admin admin = this.broker.admin()) {
				while (this.running && System.nanoTime() < deadline) {
					Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(this.group)
						.partitionsToOffsetAndMetadata()
						.get(10, TimeUnit.SECONDS);
					// Taken after the answer: every offset in it was committed by then.
					long time = System.currentTimeMillis();
					synchronized (this.samples) {
						offsets.forEach((partition, offset) -> {
							if (offset != null && partition.topic().equals(this.topic)) {
								this.samples.add(new Sample(time, partition.partition(), offset.offset()));
							}
						});
					}
					Thread.sleep(500);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				// The broker is down (F2): sample again once it is back.
				BrokerProcess.sleep(1000);
			}
		}
	}

	/**
	 * Return the samples whose committed offset was past a record that was neither processed nor handed over by
	 * then. Input record i went to partition i modulo the partition count, in order, so its offset is known.
	 * @param produced the keys of the input records
	 * @param partitions the input topic's partitions
	 * @param events the application's event log
	 * @param handOffs the records on the tier, retry and dead-letter topics
	 */
	List<String> premature(Set<String> produced, int partitions, List<Event> events,
			List<TopicReader.HandOff> handOffs) {
		Map<Integer, long[]> settledAt = new HashMap<>();
		int[] lengths = new int[partitions];
		produced.forEach(key -> lengths[Integer.parseInt(key.substring(1)) % partitions]++);
		for (int partition = 0; partition < partitions; partition++) {
			long[] never = new long[lengths[partition]];
			Arrays.fill(never, Long.MAX_VALUE);
			settledAt.put(partition, never);
		}
		for (Event event : events) {
			if (event.processed() && event.topic().equals(this.topic)) {
				settle(settledAt, event.partition(), event.offset(), event.time());
			}
		}
		for (TopicReader.HandOff handOff : handOffs) {
			if (handOff.originalTopic().equals(this.topic)) {
				settle(settledAt, (int) handOff.originalPartition(), handOff.originalOffset(), handOff.timestamp());
			}
		}
		return premature(settledAt);
	}

	private static void settle(Map<Integer, long[]> settledAt, int partition, long offset, long time) {
		long[] times = settledAt.get(partition);
		if (times != null && offset >= 0 && offset < times.length) {
			times[(int) offset] = Math.min(times[(int) offset], time);
		}
	}

	private List<String> premature(Map<Integer, long[]> settledAt) {
		List<String> premature = new ArrayList<>();
		Map<Integer, long[]> latestBefore = new HashMap<>();
		settledAt.forEach((partition, times) -> {
			// latest[i]: the latest settle time of the offsets below i.
			long[] latest = new long[times.length + 1];
			for (int i = 0; i < times.length; i++) {
				latest[i + 1] = Math.max(latest[i], times[i]);
			}
			latestBefore.put(partition, latest);
		});
		synchronized (this.samples) {
			for (Sample sample : this.samples) {
				long[] latest = latestBefore.getOrDefault(sample.partition(), new long[1]);
				int below = (int) Math.min(sample.offset(), latest.length - 1);
				if (latest[below] > sample.time() || sample.offset() > latest.length - 1) {
					premature.add(this.topic + "-" + sample.partition() + " committed at " + sample.offset()
							+ " at " + sample.time());
				}
			}
		}
		return premature;
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
		try {
			this.thread.join(15_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record Sample(long time, int partition, long offset) {
	}

}
