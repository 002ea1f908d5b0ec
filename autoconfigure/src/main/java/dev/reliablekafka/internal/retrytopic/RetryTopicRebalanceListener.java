package dev.reliablekafka.internal.retrytopic;

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

import org.springframework.core.log.LogAccessor;
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
 * <p>
 * A group that was down longer than its retry topic's retention finds its committed offset there below the log
 * start; it resumes from the log start, whatever the reset policy says, and logs which records were deleted.
 */
public class RetryTopicRebalanceListener implements ConsumerAwareRebalanceListener {

	private static final LogAccessor logger = new LogAccessor(RetryTopicRebalanceListener.class);

	private final String retryTopic;

	private final @Nullable ConsumerRebalanceListener delegate;

	/**
	 * Create the listener.
	 * @param retryTopic the group's retry topic
	 * @param delegate the application's rebalance listener, called first, or {@code null}
	 */
	public RetryTopicRebalanceListener(String retryTopic, @Nullable ConsumerRebalanceListener delegate) {
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
		Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
		uncommitted.forEach(partition -> start.put(partition, new OffsetAndMetadata(consumer.position(partition))));
		start.putAll(resumeBehindLogStart(consumer, partitions, committed));
		if (!start.isEmpty()) {
			consumer.commitSync(start);
		}
	}

	/**
	 * Seek the retry partitions whose committed offset retention has deleted to their log start: the reset
	 * policy would apply otherwise, and {@code latest} would pass over every record still waiting there.
	 * @return the new start positions, to be committed
	 */
	private Map<TopicPartition, OffsetAndMetadata> resumeBehindLogStart(Consumer<?, ?> consumer,
			Collection<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> committed) {
		List<TopicPartition> committedRetryPartitions = partitions.stream()
			.filter(partition -> partition.topic().equals(this.retryTopic) && committed.get(partition) != null)
			.toList();
		if (committedRetryPartitions.isEmpty()) {
			return Map.of();
		}
		Map<TopicPartition, OffsetAndMetadata> resumed = new HashMap<>();
		consumer.beginningOffsets(committedRetryPartitions).forEach((partition, logStart) -> {
			long position = committed.get(partition).offset();
			if (logStart != null && position < logStart) {
				logger.warn(() -> "Records at offsets " + position + " to " + (logStart - 1) + " of " + partition
						+ " were deleted by retention before this group read them; resuming at the log start "
						+ logStart + ". Give " + this.retryTopic
						+ " a longer retention.ms than the group may be down.");
				consumer.seek(partition, logStart);
				resumed.put(partition, new OffsetAndMetadata(logStart));
			}
		});
		return resumed;
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
