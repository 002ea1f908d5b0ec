package dev.reliablekafka.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Commits a commit gate held back, per partition, because a forward they cover was still in flight: committed up
 * to that forward's record, the rest once it is acknowledged. Used on the consumer's thread only.
 */
final class HeldCommits {

	private final Map<TopicPartition, Held> held = new LinkedHashMap<>();

	boolean isEmpty() {
		return this.held.isEmpty();
	}

	void hold(TopicPartition partition, OffsetAndMetadata requested, long committed) {
		this.held.put(partition, new Held(requested, committed));
	}

	/**
	 * Hold a commit the consumer refused, to commit it again later; a commit held back further on stays held, now
	 * without what was refused.
	 */
	void refused(TopicPartition partition, OffsetAndMetadata offset) {
		Held before = this.held.get(partition);
		this.held.put(partition, (before != null)
				? new Held(before.requested(), Math.min(before.committed(), offset.offset() - 1)) : new Held(offset, -1));
	}

	void forget(Collection<TopicPartition> partitions) {
		partitions.forEach(this.held::remove);
	}

	Collection<TopicPartition> partitions() {
		return new ArrayList<>(this.held.keySet());
	}

	/**
	 * Return the requested commits held back for the given partitions.
	 */
	Map<TopicPartition, OffsetAndMetadata> requested(Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
		partitions.forEach(partition -> {
			Held commit = this.held.get(partition);
			if (commit != null) {
				offsets.put(partition, commit.requested());
			}
		});
		return offsets;
	}

	/**
	 * Return what may be committed now of the held-back commits, without waiting, and hold back the rest.
	 */
	Map<TopicPartition, OffsetAndMetadata> settle(ForwardsInFlight forwards) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
		long now = System.nanoTime();
		new ArrayList<>(this.held.entrySet()).forEach(entry -> {
			TopicPartition partition = entry.getKey();
			Held commit = entry.getValue();
			long committable = forwards.settle(partition, commit.requested().offset(), now);
			if (committable == commit.requested().offset() || forwards.isRewound(partition)) {
				this.held.remove(partition);
			}
			else {
				this.held.put(partition, new Held(commit.requested(), Math.max(committable, commit.committed())));
			}
			if (committable == commit.requested().offset()) {
				offsets.put(partition, commit.requested());
			}
			else if (committable > commit.committed()) {
				offsets.put(partition, new OffsetAndMetadata(committable, commit.requested().metadata()));
			}
		});
		return offsets;
	}

	/**
	 * A commit held back by a forward in flight.
	 * @param requested what was requested
	 * @param committed how much of it was committed
	 */
	private record Held(OffsetAndMetadata requested, long committed) {
	}

}
