package dev.reliablekafka.deadletter;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The dead-letter partitions a redrive holds, each with its {@link RedriveMemory} and how far it is read. A
 * partition is read from the memory's position to where the partition ended when this run first held it, so that
 * records dead-lettered meanwhile (a redriven record failing again) wait for the next run.
 */
final class HeldPartitions {

	private final Consumer<byte[], byte[]> consumer;

	private final Map<TopicPartition, RedriveMemory> memories = new HashMap<>();

	private final Map<TopicPartition, Long> lastSeen = new HashMap<>();

	private final Map<TopicPartition, Long> end = new HashMap<>();

	private final Set<TopicPartition> reading = new HashSet<>();

	private boolean assignedOnce;

	private long lastAssignment;

	HeldPartitions(Consumer<byte[], byte[]> consumer) {
		this.consumer = consumer;
	}

	/**
	 * Take partitions over: read their memories from the committed offsets and seek to where they start.
	 * @param partitions the partitions assigned
	 */
	void assigned(Collection<TopicPartition> partitions) {
		this.assignedOnce = true;
		this.lastAssignment = System.nanoTime();
		if (partitions.isEmpty()) {
			return;
		}
		Map<TopicPartition, Long> begin = this.consumer.beginningOffsets(partitions);
		List<TopicPartition> unknownEnd = partitions.stream()
			.filter(partition -> !this.end.containsKey(partition))
			.toList();
		if (!unknownEnd.isEmpty()) {
			this.end.putAll(this.consumer.endOffsets(unknownEnd));
		}
		Map<TopicPartition, OffsetAndMetadata> committed = this.consumer.committed(Set.copyOf(partitions));
		for (TopicPartition partition : partitions) {
			RedriveMemory memory = RedriveMemory.of(committed.get(partition), begin.get(partition));
			this.memories.put(partition, memory);
			this.lastSeen.put(partition, memory.position() - 1);
			if (memory.position() < this.end.get(partition)) {
				this.consumer.seek(partition, memory.position());
				this.reading.add(partition);
			}
			else {
				// Nothing to read: paused for the rest of the run, not held back for a while (no container, no rewind).
				this.consumer.pause(List.of(partition));
			}
		}
	}

	/**
	 * Give partitions up.
	 * @param partitions the partitions revoked or lost
	 */
	void released(Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			this.memories.remove(partition);
			this.lastSeen.remove(partition);
			this.reading.remove(partition);
		}
	}

	/**
	 * Give every partition up, without committing.
	 */
	void clear() {
		released(List.copyOf(this.memories.keySet()));
	}

	/**
	 * Return whether a record is to be handled, and if so note how far its partition is read.
	 * @param record a record polled
	 * @return false when its partition is not held or the record lies beyond the partition's end
	 */
	boolean read(ConsumerRecord<byte[], byte[]> record) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		if (!this.reading.contains(partition) || record.offset() >= this.end.get(partition)) {
			return false;
		}
		markGaps(partition, record.offset());
		this.lastSeen.put(partition, record.offset());
		return true;
	}

	/**
	 * Stop reading the partitions read to their end.
	 */
	void finishReadOnes() {
		for (TopicPartition partition : List.copyOf(this.reading)) {
			if (this.consumer.position(partition) >= this.end.get(partition)) {
				markGaps(partition, this.end.get(partition));
				this.reading.remove(partition);
				this.consumer.pause(List.of(partition));
			}
		}
	}

	/**
	 * Return whether every partition held was read to its end.
	 * @return true once partitions were assigned and all held ones are read
	 */
	boolean done() {
		return this.assignedOnce && this.reading.isEmpty();
	}

	long lastAssignment() {
		return this.lastAssignment;
	}

	@Nullable RedriveMemory memory(TopicPartition partition) {
		return this.memories.get(partition);
	}

	Map<TopicPartition, OffsetAndMetadata> toCommit() {
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		this.memories.forEach((partition, memory) -> offsets.put(partition, memory.toCommit()));
		return offsets;
	}

	// Offsets a read_committed consumer skipped hold nothing to redrive (transaction markers, aborted records).
	private void markGaps(TopicPartition partition, long next) {
		this.memories.get(partition).markRange(this.lastSeen.get(partition) + 1, next - 1);
	}

}
