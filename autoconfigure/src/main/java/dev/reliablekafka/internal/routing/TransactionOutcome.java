package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;

/**
 * Tells whether a transaction whose commit went unanswered committed, from the offsets it committed for the
 * consumer group: they are part of the transaction, so they are the group's committed offsets exactly when it
 * committed. Only stable offsets count: while the transaction is pending (its commit being completed, or an
 * unfinished one waiting to be aborted by the coordinator after {@code transaction.timeout.ms}), the broker holds
 * the answer back, and this waits for it. It never guesses: an unknown outcome is waited out, because reporting a
 * committed transaction as failed would make the caller send its records a second time.
 */
final class TransactionOutcome {

	private static final LogAccessor logger = new LogAccessor(TransactionOutcome.class);

	/** Start of the offset metadata that marks the offsets of one of Reliable Kafka's transactions. */
	static final String MARKER_PREFIX = "rk-tx;";

	private static final long POLL_INTERVAL_MILLIS = 200;

	private final Map<String, Object> adminConfig = new HashMap<>();

	private final Duration timeout;

	/**
	 * Create the check.
	 * @param producerConfig the producer's configuration, whose connection settings the admin client uses
	 * @param timeout how long one look-up may take
	 */
	TransactionOutcome(Map<String, Object> producerConfig, Duration timeout) {
		producerConfig.forEach((key, value) -> {
			if (AdminClientConfig.configNames().contains(key)) {
				this.adminConfig.put(key, value);
			}
		});
		this.adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "reliable-kafka-transaction-outcome");
		this.timeout = timeout;
	}

	/**
	 * Wait until the broker has resolved the transaction and tell whether it committed.
	 * @param groupId the consumer group whose offsets the transaction committed
	 * @param offsets the offsets it committed
	 * @return whether the transaction committed
	 * @throws ForwardingFailedException if interrupted before the outcome is known
	 */
	boolean committed(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
		ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(offsets.keySet());
		ListConsumerGroupOffsetsOptions stable = new ListConsumerGroupOffsetsOptions().requireStable(true);
		long lastReport = System.nanoTime();
		try (Admin admin = Admin.create(this.adminConfig)) {
			while (true) {
				try {
					Map<TopicPartition, OffsetAndMetadata> committed = admin
						.listConsumerGroupOffsets(Map.of(groupId, spec), stable)
						.partitionsToOffsetAndMetadata(groupId)
						.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
					// A partition whose offset is not stable yet is left out of the answer.
					if (committed.keySet().containsAll(offsets.keySet())) {
						// Exactly this transaction's offsets, marked as only it marks them. Anything else, even an offset
						// as far from an earlier commit, tells only that it did not commit, or was overwritten since:
						// the records are then forwarded again, a duplicate at worst, never a loss.
						return offsets.entrySet().stream().allMatch(offset -> {
							OffsetAndMetadata found = committed.get(offset.getKey());
							return found != null && found.offset() == offset.getValue().offset()
									&& offset.getValue().metadata().equals(found.metadata());
						});
					}
				}
				catch (ExecutionException | TimeoutException ex) {
					if (System.nanoTime() - lastReport > this.timeout.toNanos()) {
						lastReport = System.nanoTime();
						logger.warn(() -> "Still waiting for the committed offsets of group " + groupId + " to tell "
								+ "whether a transaction committed (" + ex + ")");
					}
				}
				Thread.sleep(POLL_INTERVAL_MILLIS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.error(() -> "Interrupted before the outcome of a transaction committing " + offsets + " for group "
					+ groupId + " was known; if it committed, its records can be forwarded a second time");
			throw new ForwardingFailedException("Interrupted while waiting for the outcome of a transaction", ex);
		}
	}

}
