package dev.reliablekafka.internal.routing;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * The forwards of one consumer that were sent without waiting, per partition in offset order, and the partitions
 * rewound to a record whose forward failed. Used on the consumer's thread only, like the consumer.
 */
final class ForwardsInFlight {

	private static final LogAccessor logger = new LogAccessor(ForwardsInFlight.class);

	private final Consumer<?, ?> consumer;

	private final Map<TopicPartition, ArrayDeque<InFlightForward>> inFlight = new HashMap<>();

	// Partitions rewound to a record whose forward failed, until that record is delivered again.
	private final Map<TopicPartition, Long> rewound = new HashMap<>();

	/**
	 * Create the forwards of a consumer.
	 * @param consumer the consumer itself, not its gate, for seeks
	 */
	ForwardsInFlight(Consumer<?, ?> consumer) {
		this.consumer = consumer;
	}

	/**
	 * Register a forward.
	 * @return whether it superseded forwards of the same or later records (the record was delivered again)
	 */
	boolean register(TopicPartition partition, InFlightForward forward) {
		ArrayDeque<InFlightForward> forwards = this.inFlight.computeIfAbsent(partition, key -> new ArrayDeque<>());
		boolean superseded = false;
		// A record delivered again: the forwards of it and of the records behind it are superseded.
		while (!forwards.isEmpty() && forwards.peekLast().offset() >= forward.offset()) {
			forwards.pollLast();
			superseded = true;
		}
		forwards.addLast(forward);
		return superseded;
	}

	void remove(TopicPartition partition, InFlightForward forward) {
		ArrayDeque<InFlightForward> forwards = this.inFlight.get(partition);
		if (forwards != null) {
			forwards.remove(forward);
		}
	}

	/**
	 * Wait for the forwards of a partition below an offset, rewinding the partition to the first that failed.
	 * @return the offset up to which the partition may be committed: below a rewound record, and below a forward
	 * still in flight at the deadline
	 */
	long settle(TopicPartition partition, long offset, long deadlineNanos) {
		long committable = capped(partition, offset);
		ArrayDeque<InFlightForward> forwards = this.inFlight.get(partition);
		while (forwards != null && !forwards.isEmpty() && forwards.peekFirst().offset() < committable) {
			InFlightForward forward = forwards.peekFirst();
			switch (forward.await(deadlineNanos)) {
				case ACKNOWLEDGED -> forwards.pollFirst();
				case PENDING -> {
					return forward.offset();
				}
				case FAILED -> {
					rewind(partition, forward.offset());
					return forward.offset();
				}
			}
		}
		return committable;
	}

	/**
	 * Return the offset up to which a partition may be committed without waiting: below a rewound record.
	 */
	long capped(TopicPartition partition, long offset) {
		Long rewoundTo = this.rewound.get(partition);
		return (rewoundTo != null) ? Math.min(offset, rewoundTo) : offset;
	}

	/**
	 * Wait until every forward of the partitions is resolved or the deadline passed.
	 * @return the first forward not acknowledged, or {@code null} if all were
	 */
	@Nullable InFlightForward awaitAll(Collection<TopicPartition> partitions, long deadlineNanos) {
		for (TopicPartition partition : partitions) {
			for (InFlightForward forward : this.inFlight.getOrDefault(partition, new ArrayDeque<>())) {
				if (forward.await(deadlineNanos) != InFlightForward.Outcome.ACKNOWLEDGED) {
					return forward;
				}
			}
		}
		return null;
	}

	int count(Collection<TopicPartition> partitions) {
		return partitions.stream().mapToInt(tp -> this.inFlight.getOrDefault(tp, new ArrayDeque<>()).size()).sum();
	}

	/**
	 * Report the forwards of partitions as handed over with the transaction they were sent in, and forget them.
	 */
	void committed(Collection<TopicPartition> partitions) {
		partitions.forEach(partition -> {
			ArrayDeque<InFlightForward> forwards = this.inFlight.remove(partition);
			if (forwards != null) {
				forwards.forEach(InFlightForward::committed);
			}
		});
	}

	/**
	 * Report the forwards of the partitions as undone, and rewind those still held to their given offsets.
	 * @param firstForwarded the offset to rewind each partition to
	 * @param givenUp partitions no longer assigned, which are not rewound
	 */
	void rollBack(Map<TopicPartition, Long> firstForwarded, RuntimeException cause,
			Collection<TopicPartition> givenUp) {
		firstForwarded.forEach((partition, first) -> {
			this.inFlight.getOrDefault(partition, new ArrayDeque<>()).forEach(forward -> forward.rolledBack(cause));
			if (givenUp.contains(partition)) {
				this.inFlight.remove(partition);
			}
			else {
				rewind(partition, first);
			}
		});
	}

	private void rewind(TopicPartition partition, long offset) {
		this.consumer.seek(partition, offset);
		this.rewound.merge(partition, offset, Math::min);
		this.inFlight.remove(partition);
		logger.debug(() -> "Rewound " + partition + " to " + offset + " after a failed forward");
	}

	boolean isRewound(TopicPartition partition) {
		return this.rewound.containsKey(partition);
	}

	/**
	 * Return where a seek may go: nobody may move a rewound partition past the record to deliver again.
	 */
	long seekable(TopicPartition partition, long offset) {
		Long rewoundTo = this.rewound.get(partition);
		if (rewoundTo != null && offset > rewoundTo) {
			logger.debug(() -> "Seeking " + partition + " to " + rewoundTo + " instead of " + offset
					+ ": the record there has to be delivered again");
			return rewoundTo;
		}
		return offset;
	}

	/**
	 * Note the records a poll delivered: a rewound partition that delivers again is no longer held.
	 */
	void delivered(ConsumerRecords<?, ?> records) {
		if (this.rewound.isEmpty()) {
			return;
		}
		records.partitions().forEach(partition -> {
			Long rewoundTo = this.rewound.remove(partition);
			long first = records.records(partition).get(0).offset();
			if (rewoundTo != null && first > rewoundTo) {
				logger.warn(() -> partition + " was rewound to " + rewoundTo + " but delivers from " + first
						+ " (the log no longer holds the records between)");
			}
		});
	}

	void forget(Collection<TopicPartition> partitions) {
		partitions.forEach(partition -> {
			this.inFlight.remove(partition);
			this.rewound.remove(partition);
		});
	}

}
