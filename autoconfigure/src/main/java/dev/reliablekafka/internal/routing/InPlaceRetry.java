package dev.reliablekafka.internal.routing;

import java.time.Duration;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.internal.blocking.InPlaceRetries;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.BlockingPolicy;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.support.DurationText;
import dev.reliablekafka.internal.support.FailureText;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * The failure router's way of keeping a failed record in place: its partition waits out the record's next
 * back-off, the failure is counted, and the container is stopped from committing the record. BLOCKING retries
 * every failed record so until its attempts are used up; RETRY_TOPIC one whose hand-over failed, until a hand-over
 * succeeds. It logs under the failure router's category, the one users configure.
 */
final class InPlaceRetry {

	private static final LogAccessor logger = new LogAccessor(FailureRouter.class);

	private final ListenerPolicy policy;

	private final InPlaceRetries retries;

	private final PartitionBackOff partitionBackOff;

	private final ReliableEvents events;

	private final FailureLog log;

	InPlaceRetry(ListenerPolicy policy, InPlaceRetries retries, PartitionBackOff partitionBackOff,
			ReliableEvents events, FailureLog log) {
		this.policy = policy;
		this.retries = retries;
		this.partitionBackOff = partitionBackOff;
		this.events = events;
		this.log = log;
	}

	// The records were put back first thing in handleRemaining, before anything could move past them: the
	// partition only waits now.
	void retryInPlace(ConsumerRecord<?, ?> failed, Consumer<?, ?> consumer, MessageListenerContainer container,
			InPlaceRetries.Failure failure, Exception thrown, boolean retryable) {
		Duration wait = Duration.ofMillis(failure.nextBackOff());
		this.partitionBackOff.pause(container, new TopicPartition(failed.topic(), failed.partition()), wait);
		this.retries.keep(failed, failure, consumer, container.getContainerProperties());
		this.events.retriedInPlace(this.policy);
		if (!retryable) {
			logger.error(FailureText.loggable(HeaderValues.unwrap(thrown)), () -> this.log.describe(failed)
					+ " is not retryable but dead-lettering is disabled: it blocks its partition, retried in "
					+ DurationText.of(wait));
		}
		else {
			logger.warn(() -> this.log.describe(failed) + " failed (attempt " + failure.failedAttempts() + " of "
					+ attempts() + ": " + FailureText.summary(HeaderValues.unwrap(thrown)) + "); retrying in "
					+ DurationText.of(wait) + " while its partition waits");
		}
		// Thrown so that the container does not commit the failed record; logged by the container at DEBUG.
		throw new KafkaException("Retrying " + KafkaUtils.format(failed) + " in place", KafkaException.Level.DEBUG,
				FailureText.loggable(thrown));
	}

	private String attempts() {
		int max = this.policy.blocking().maxAttempts();
		return (max == BlockingPolicy.UNLIMITED) ? "unlimited" : Integer.toString(max);
	}

}
