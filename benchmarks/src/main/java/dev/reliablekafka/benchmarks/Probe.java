package dev.reliablekafka.benchmarks;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What every contender's listener calls for each record: does the configured work, fails as the scenario says,
 * and counts. Thread-safe; one per run.
 */
final class Probe {

	/** Which records fail. */
	enum Failures {

		/** None. */
		NONE,

		/** Every tenth record (by key) fails on its first delivery. */
		TENTH_ONCE,

		/** Every record fails on its first delivery. */
		ALL_ONCE,

		/** The first record of partition 0 fails for five seconds. */
		HEAD_OF_PARTITION_0,

		/** Every delivery fails from the first one until the outage ({@link #outage(Duration)}) is over. */
		OUTAGE

	}

	static final Duration HEAD_FAILURE = Duration.ofSeconds(5);

	private final long workNanos;

	private final Failures failures;

	private final int expected;

	private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

	private final AtomicLong processed = new AtomicLong();

	private final AtomicLong healthy = new AtomicLong();

	private final AtomicLongArray perPartition = new AtomicLongArray(64);

	private final AtomicLong first = new AtomicLong();

	private final AtomicLong lastHealthy = new AtomicLong();

	private final AtomicLong last = new AtomicLong();

	private final List<Long> latenessMillis = new ArrayList<>();

	private final List<Long> handOffLatenessMillis = new ArrayList<>();

	private final AtomicLong failed = new AtomicLong();

	private volatile long outageNanos;

	private volatile long headFailingSince;

	private volatile long headSucceeded;

	Probe(Duration work, Failures failures, int expected) {
		this.workNanos = work.toNanos();
		this.failures = failures;
		this.expected = expected;
	}

	void handle(ConsumerRecord<?, ?> record) {
		long now = System.nanoTime();
		this.first.compareAndSet(0, now);
		if (fails(record, now)) {
			this.failed.incrementAndGet();
			throw new IllegalStateException("Simulated failure");
		}
		if (this.workNanos > 0) {
			long until = now + this.workNanos;
			while (System.nanoTime() < until) {
				Thread.onSpinWait();
			}
		}
		long done = System.nanoTime();
		recordLateness(record);
		String key = new String((byte[]) record.key(), StandardCharsets.UTF_8);
		if (!this.failedOnce.contains(key)) {
			this.healthy.incrementAndGet();
			this.lastHealthy.set(done);
		}
		if (this.failures == Failures.HEAD_OF_PARTITION_0 && record.partition() == 0 && record.offset() == 0) {
			this.headSucceeded = done;
		}
		this.perPartition.incrementAndGet(record.partition());
		this.last.set(done);
		this.processed.incrementAndGet();
	}

	private boolean fails(ConsumerRecord<?, ?> record, long now) {
		String key = new String((byte[]) record.key(), StandardCharsets.UTF_8);
		switch (this.failures) {
			case TENTH_ONCE:
				return Integer.parseInt(key) % 10 == 0 && this.failedOnce.add(key);
			case ALL_ONCE:
				return this.failedOnce.add(key);
			case HEAD_OF_PARTITION_0:
				if (record.partition() == 0 && record.offset() == 0) {
					if (this.headFailingSince == 0) {
						this.headFailingSince = now;
					}
					return now - this.headFailingSince < HEAD_FAILURE.toNanos();
				}
				return false;
			case OUTAGE:
				return now - this.first.get() < this.outageNanos;
			default:
				return false;
		}
	}

	private void recordLateness(ConsumerRecord<?, ?> record) {
		Header ours = record.headers().lastHeader("reliable-due-time");
		Header theirs = record.headers().lastHeader("retry_topic-backoff-timestamp");
		long due;
		if (ours != null) {
			due = Long.parseLong(new String(ours.value(), StandardCharsets.UTF_8));
		}
		else if (theirs != null) {
			due = new BigInteger(theirs.value()).longValue();
		}
		else {
			return;
		}
		long lateness = System.currentTimeMillis() - due;
		synchronized (this.latenessMillis) {
			this.latenessMillis.add(lateness);
			if (ours != null) {
				// The scheduler wrote the record to the retry topic at its timestamp.
				this.handOffLatenessMillis.add(record.timestamp() - due);
			}
		}
	}

	/**
	 * Set how long the outage of {@link Failures#OUTAGE} lasts, from the first delivery.
	 * @param outage its length
	 * @return this probe
	 */
	Probe outage(Duration outage) {
		this.outageNanos = outage.toNanos();
		return this;
	}

	/** When the outage ends, in {@link System#nanoTime()}, or 0 before the first delivery. */
	long outageEnd() {
		long first = this.first.get();
		return (first != 0) ? first + this.outageNanos : 0;
	}

	/** Deliveries that failed, each of them a hand-off in RETRY_TOPIC mode. */
	long failed() {
		return this.failed.get();
	}

	/** When the last record was processed, in {@link System#nanoTime()}. */
	long lastProcessed() {
		return this.last.get();
	}

	boolean done() {
		return this.processed.get() >= this.expected;
	}

	long processed() {
		return this.processed.get();
	}

	long partitionCount(int partition) {
		return this.perPartition.get(partition);
	}

	/** Records per second over the whole run, from the first delivery to the last record processed. */
	double throughput() {
		return this.processed.get() / seconds(this.first.get(), this.last.get());
	}

	/** Records that never failed, per second, from the first delivery to the last of them. */
	double healthyThroughput() {
		return this.healthy.get() / seconds(this.first.get(), this.lastHealthy.get());
	}

	long headFailingSince() {
		return this.headFailingSince;
	}

	long headSucceeded() {
		return this.headSucceeded;
	}

	/** For Reliable Kafka: how late the scheduler wrote each redelivered record to the retry topic. */
	List<Long> handOffLateness() {
		synchronized (this.latenessMillis) {
			return new ArrayList<>(this.handOffLatenessMillis);
		}
	}

	List<Long> lateness() {
		synchronized (this.latenessMillis) {
			return new ArrayList<>(this.latenessMillis);
		}
	}

	private static double seconds(long from, long to) {
		return Math.max(1, to - from) / 1e9;
	}

}
