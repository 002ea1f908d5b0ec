package dev.reliablekafka.internal.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Commits a commit gate held back, per partition, because a forward they cover was still in flight: committed up
 * to that forward's record, the rest once it is acknowledged. Used on the consumer's thread only.
 */
final class HeldCommits {

	private final Map<TopicPartition, Held> held = new LinkedHashMap<>();

	boolean isEmpty() {
		return this.held.isEmpty();
	}

	/**
	 * Hold back the rest of a commit.
	 * @param callback the callback of an asynchronous commit, to hear of the rest too; else {@code null}
	 */
	void hold(TopicPartition partition, OffsetAndMetadata requested, long committed,
			@Nullable OffsetCommitCallback callback) {
		this.held.put(partition, new Held(requested, committed, callback));
	}

	/**
	 * Hold a commit the consumer refused, to commit it again later; a commit held back further on stays held, now
	 * without what was refused.
	 */
	void refused(TopicPartition partition, OffsetAndMetadata offset) {
		Held before = this.held.get(partition);
		this.held.put(partition, (before != null)
				? new Held(before.requested(), Math.min(before.committed(), offset.offset() - 1), before.callback())
				: new Held(offset, -1, null));
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
	 * @param logging the callback of commits held without one
	 * @return the offsets to commit, by the callback to commit them with
	 */
	Map<OffsetCommitCallback, Map<TopicPartition, OffsetAndMetadata>> settle(ForwardsInFlight forwards,
			OffsetCommitCallback logging) {
		Map<OffsetCommitCallback, Map<TopicPartition, OffsetAndMetadata>> byCallback = new LinkedHashMap<>();
		long now = System.nanoTime();
		new ArrayList<>(this.held.entrySet()).forEach(entry -> {
			TopicPartition partition = entry.getKey();
			Held commit = entry.getValue();
			Map<TopicPartition, OffsetAndMetadata> offsets = byCallback.computeIfAbsent(
					(commit.callback() != null) ? commit.callback() : logging, key -> new LinkedHashMap<>());
			long committable = forwards.settle(partition, commit.requested().offset(), now);
			if (committable == commit.requested().offset() || forwards.isRewound(partition)) {
				this.held.remove(partition);
			}
			else {
				this.held.put(partition, new Held(commit.requested(), Math.max(committable, commit.committed()),
						commit.callback()));
			}
			if (committable == commit.requested().offset()) {
				offsets.put(partition, commit.requested());
			}
			else if (committable > commit.committed()) {
				offsets.put(partition, new OffsetAndMetadata(committable, commit.requested().metadata()));
			}
		});
		byCallback.values().removeIf(Map::isEmpty);
		return byCallback;
	}

	/**
	 * A commit held back by a forward in flight.
	 * @param requested what was requested
	 * @param committed how much of it was committed
	 * @param callback the callback of the asynchronous commit it is part of, if any
	 */
	private record Held(OffsetAndMetadata requested, long committed, @Nullable OffsetCommitCallback callback) {
	}

}
