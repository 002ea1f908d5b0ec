package dev.reliablekafka.internal.blocking;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Remembers, per partition, the record that is being retried in place: how often it failed, when it first
 * failed and where its back-off stands. A partition has at most one such record, because nothing behind it is
 * processed until it succeeds or is dead-lettered.
 * <p>
 * When durable (BLOCKING), the count also survives a restart or a rebalance: each failure is kept in the group's
 * committed offset metadata of the partition ({@link AttemptMetadata}), with an offset that covers only processed
 * records, and the first failure of a record this tracker does not know reads it back, so that
 * {@code max-attempts} is exact. The next commit of the partition (the record processed or dead-lettered)
 * clears it.
 */
public final class InPlaceRetries {

	private static final LogAccessor logger = new LogAccessor(InPlaceRetries.class);

	// The back-off of a record that failed many times before a restart has long reached its longest wait.
	private static final int MAX_BACK_OFF_REPLAY = 64;

	private final Map<TopicPartition, Failure> failures = new ConcurrentHashMap<>();

	private final BackOff backOff;

	private final boolean durable;

	/**
	 * Create the tracker of one listener, in memory only.
	 * @param backOff the listener's back-off
	 */
	public InPlaceRetries(BackOff backOff) {
		this(backOff, false);
	}

	/**
	 * Create the tracker of one listener.
	 * @param backOff the listener's back-off
	 * @param durable whether to keep the counts in the committed offset metadata
	 */
	public InPlaceRetries(BackOff backOff, boolean durable) {
		this.backOff = backOff;
		this.durable = durable;
	}

	/**
	 * Count a failed delivery of a record, in memory only.
	 * @param record the record that failed
	 * @return the record's failure state, counting this delivery
	 */
	public Failure failed(ConsumerRecord<?, ?> record) {
		return failed(record, null);
	}

	/**
	 * Count a failed delivery of a record. When durable and the record is not known, its earlier failures are
	 * read from the committed offset metadata of its partition (one round trip).
	 * @param record the record that failed
	 * @param consumer the consumer that delivered it, or {@code null} to count in memory only
	 * @return the record's failure state, counting this delivery
	 */
	public Failure failed(ConsumerRecord<?, ?> record, @Nullable Consumer<?, ?> consumer) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		Failure failure = this.failures.get(partition);
		if (failure == null || failure.offset != record.offset()) {
			failure = start(record, partition, consumer);
			this.failures.put(partition, failure);
		}
		failure.failedAttempts++;
		return failure;
	}

	private Failure start(ConsumerRecord<?, ?> record, TopicPartition partition, @Nullable Consumer<?, ?> consumer) {
		BackOffExecution execution = this.backOff.start();
		AttemptMetadata kept = (this.durable && consumer != null) ? committed(record, partition, consumer) : null;
		if (kept == null || kept.offset() != record.offset()) {
			return new Failure(record.offset(), execution, System.currentTimeMillis(), 0);
		}
		// The back-off goes on where it stood.
		for (int i = 0; i < Math.min(kept.failedAttempts(), MAX_BACK_OFF_REPLAY); i++) {
			execution.nextBackOff();
		}
		logger.info(() -> "Record " + KafkaUtils.format(record) + " had failed " + kept.failedAttempts()
				+ " times before; counting on");
		return new Failure(record.offset(), execution, kept.firstFailureTime(), kept.failedAttempts());
	}

	private static @Nullable AttemptMetadata committed(ConsumerRecord<?, ?> record, TopicPartition partition,
			Consumer<?, ?> consumer) {
		try {
			OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
			return (committed != null) ? AttemptMetadata.parse(committed.metadata()) : null;
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not read the earlier failures of " + KafkaUtils.format(record)
					+ "; counting from 1");
			return null;
		}
	}

	/**
	 * Keep the failed attempts of a record that is retried in place in its group's committed offset metadata,
	 * when durable. The offset committed with it covers only processed records: the container commits every
	 * processed record before it handles a failure, so in the automatic ack modes it is the failed record's own;
	 * in the manual ack modes records before it may not be acknowledged yet, so it is the offset the group has
	 * already committed (and nothing is kept with asynchronous commits, whose latest may not be visible yet).
	 * Failing to keep it is logged and costs only the exactness of {@code max-attempts} after a restart.
	 * @param record the failed record, to be delivered again
	 * @param failure its failure state
	 * @param consumer the consumer that delivered it
	 * @param properties the container's properties
	 */
	public void keep(ConsumerRecord<?, ?> record, Failure failure, Consumer<?, ?> consumer,
			ContainerProperties properties) {
		if (!this.durable) {
			return;
		}
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		try {
			Long offset = committableOffset(record, partition, consumer, properties);
			if (offset == null) {
				return;
			}
			String metadata = new AttemptMetadata(record.offset(), failure.failedAttempts, failure.firstFailureTime)
				.format();
			Map<TopicPartition, OffsetAndMetadata> commit = Map.of(partition, new OffsetAndMetadata(offset, metadata));
			Duration timeout = properties.getSyncCommitTimeout();
			if (timeout != null) {
				consumer.commitSync(commit, timeout);
			}
			else {
				consumer.commitSync(commit);
			}
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not keep the failed attempts of " + KafkaUtils.format(record)
					+ " in the group's committed offset; after a restart or rebalance they are counted anew");
		}
	}

	private static @Nullable Long committableOffset(ConsumerRecord<?, ?> record, TopicPartition partition,
			Consumer<?, ?> consumer, ContainerProperties properties) {
		AckMode ackMode = properties.getAckMode();
		if (ackMode != AckMode.MANUAL && ackMode != AckMode.MANUAL_IMMEDIATE) {
			return record.offset();
		}
		if (!properties.isSyncCommits()) {
			return null;
		}
		OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
		return (committed != null && committed.offset() <= record.offset()) ? committed.offset() : null;
	}

	/**
	 * Return how many deliveries of a record have failed so far, without counting one.
	 * @param record the record about to be delivered
	 * @return its failed deliveries, 0 if it has not failed
	 */
	public int failedAttempts(ConsumerRecord<?, ?> record) {
		Failure known = this.failures.get(new TopicPartition(record.topic(), record.partition()));
		return (known != null && known.offset == record.offset()) ? known.failedAttempts : 0;
	}

	/**
	 * Forget a record that no longer needs retrying.
	 * @param record the record
	 */
	public void forget(ConsumerRecord<?, ?> record) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		this.failures.computeIfPresent(partition, (key, known) -> (known.offset == record.offset()) ? null : known);
	}

	/**
	 * Forget what is known of newly assigned partitions: another consumer may have retried their records
	 * meanwhile, and a durable tracker reads their count again at the next failure.
	 * @param partitions the partitions
	 */
	public void forget(Collection<TopicPartition> partitions) {
		partitions.forEach(this.failures::remove);
	}

	/**
	 * Failure state of one record.
	 */
	public static final class Failure {

		private final long offset;

		private final BackOffExecution backOff;

		private final long firstFailureTime;

		private int failedAttempts;

		Failure(long offset, BackOffExecution backOff, long firstFailureTime, int failedAttempts) {
			this.offset = offset;
			this.backOff = backOff;
			this.firstFailureTime = firstFailureTime;
			this.failedAttempts = failedAttempts;
		}

		/**
		 * Return how many deliveries of the record failed.
		 * @return the failed deliveries, at least 1
		 */
		public int failedAttempts() {
			return this.failedAttempts;
		}

		/**
		 * Return when the record failed for the first time.
		 * @return epoch milliseconds
		 */
		public long firstFailureTime() {
			return this.firstFailureTime;
		}

		/**
		 * Return the wait before the next delivery, advancing the back-off.
		 * @return milliseconds
		 */
		public long nextBackOff() {
			return this.backOff.nextBackOff();
		}

	}

}
