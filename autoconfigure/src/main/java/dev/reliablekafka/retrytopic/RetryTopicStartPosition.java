package dev.reliablekafka.retrytopic;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Makes a listener read its group's retry topic from the beginning where the group has committed no offset yet.
 * Every record in a retry topic was written for this group, so none may be skipped; with the common
 * {@code auto.offset.reset=latest}, a record handed over before the group's first commit on that partition would
 * otherwise be passed over. Source topics keep the application's reset policy.
 * <p>
 * It takes over what Spring Kafka's commit on assignment does (the container's own runs before any rebalance
 * listener, and would commit the retry topic's end first): the start position of every newly assigned partition
 * without a committed offset is committed, so that a rebalance before the first record is processed cannot move
 * it. Use it with {@link org.springframework.kafka.listener.ContainerProperties.AssignmentCommitOption#NEVER}.
 */
public class RetryTopicStartPosition implements ConsumerAwareRebalanceListener {

	private final String retryTopic;

	private final @Nullable ConsumerRebalanceListener delegate;

	/**
	 * Create the listener.
	 * @param retryTopic the group's retry topic
	 * @param delegate the application's rebalance listener, called first, or {@code null}
	 */
	public RetryTopicStartPosition(String retryTopic, @Nullable ConsumerRebalanceListener delegate) {
		this.retryTopic = retryTopic;
		this.delegate = delegate;
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsAssigned(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsAssigned(partitions);
		}
		if (partitions.isEmpty()) {
			return;
		}
		Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
		List<TopicPartition> uncommitted = partitions.stream()
			.filter(partition -> committed.get(partition) == null)
			.toList();
		List<TopicPartition> retryPartitions = uncommitted.stream()
			.filter(partition -> partition.topic().equals(this.retryTopic))
			.toList();
		if (!retryPartitions.isEmpty()) {
			consumer.seekToBeginning(retryPartitions);
		}
		if (!uncommitted.isEmpty()) {
			Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
			uncommitted.forEach(partition -> start.put(partition, new OffsetAndMetadata(consumer.position(partition))));
			consumer.commitSync(start);
		}
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsRevokedBeforeCommit(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsRevoked(partitions);
		}
	}

	@Override
	public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsRevokedAfterCommit(consumer, partitions);
		}
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsLost(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsLost(partitions);
		}
	}

}
