package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

import org.springframework.core.log.LogAccessor;

/**
 * With transactions on, the one transaction of the forwards between two commits of a consumer: the commit sends
 * the offsets to it and commits it, so that the forwards and the offsets take effect together or not at all.
 */
final class PollTransaction {

	private static final LogAccessor logger = new LogAccessor(PollTransaction.class);

	private final RecordForwarder forwarder;

	private final Producer<byte[], byte[]> producer;

	// The offset of the first forwarded record of each partition: where to rewind if the transaction fails.
	private final Map<TopicPartition, Long> firstForwarded = new LinkedHashMap<>();

	/**
	 * Begin a transaction.
	 * @throws ForwardingFailedException if it could not begin
	 */
	PollTransaction(RecordForwarder forwarder) {
		this.forwarder = forwarder;
		this.producer = forwarder.transactions().begin();
	}

	/**
	 * Send a forward in this transaction without waiting.
	 * @return completes when the broker acknowledged the record
	 */
	CompletableFuture<?> send(ConsumerRecord<?, ?> record, String topic, Headers headers) {
		this.firstForwarded.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
		return RecordForwarder.send(this.producer, record, topic, headers);
	}

	/**
	 * Commit the offsets with every forward of this transaction, once all of them were acknowledged (waiting up to
	 * the forward timeout: a transaction commits all or nothing). If one failed, or the transaction did not commit,
	 * every partition with forwards in it is rewound to its first one.
	 * @param offsets the offsets to commit, not empty
	 * @return the offsets still to commit: none when the transaction committed them, otherwise those up to the
	 * rewound records, to commit without a transaction
	 */
	Map<TopicPartition, OffsetAndMetadata> commit(Map<TopicPartition, OffsetAndMetadata> offsets,
			ForwardsInFlight forwards, ConsumerGroupMetadata group, Duration timeout) {
		RuntimeException failure;
		InFlightForward failed = forwards.awaitAll(this.firstForwarded.keySet(), System.nanoTime() + timeout.toNanos());
		if (failed == null) {
			try {
				this.forwarder.transactions().commit(this.producer, forwards.count(this.firstForwarded.keySet()),
						offsets, group);
				forwards.committed(this.firstForwarded.keySet());
				return Map.of();
			}
			catch (RuntimeException ex) {
				failure = ex; // nothing of it took effect
			}
		}
		else {
			failure = new ForwardingFailedException("A forward failed",
					new IllegalStateException("The forward of offset " + failed.offset() + " was not acknowledged"));
			this.forwarder.transactions().abort(this.producer, failure);
		}
		RuntimeException cause = failure;
		logger.warn(() -> "A transaction of forwards from " + this.firstForwarded.keySet() + " did not commit ("
				+ cause + "); their records are delivered again");
		forwards.rollBack(this.firstForwarded, failure, List.of());
		Map<TopicPartition, OffsetAndMetadata> plain = new LinkedHashMap<>();
		offsets.forEach((partition, offset) -> {
			Long first = this.firstForwarded.get(partition);
			plain.put(partition, (first == null || first >= offset.offset()) ? offset
					: new OffsetAndMetadata(first, offset.metadata()));
		});
		return plain;
	}

	/**
	 * Abort the transaction before its commit, because a forward in it failed: its forwards are undone and their
	 * partitions rewound to them.
	 */
	void abort(ForwardsInFlight forwards, RuntimeException cause) {
		logger.warn(() -> "A transaction of forwards from " + this.firstForwarded.keySet() + " was aborted ("
				+ cause + "); their records are delivered again");
		this.forwarder.transactions().abort(this.producer, cause);
		forwards.rollBack(this.firstForwarded, cause, List.of());
	}

	/**
	 * Give the transaction up before its commit, because partitions were given up or the consumer closes: its
	 * forwards are undone and the partitions still held rewound to them.
	 */
	void abandon(ForwardsInFlight forwards, Collection<TopicPartition> givenUp, boolean rewind) {
		RuntimeException cause = new ForwardingFailedException("Partitions given up before the commit",
				new IllegalStateException("rebalanced or closed"));
		this.forwarder.transactions().abort(this.producer, cause);
		if (rewind) {
			forwards.rollBack(this.firstForwarded, cause, givenUp);
		}
	}

}
