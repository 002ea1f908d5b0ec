package dev.reliablekafka.internal.routing;

import java.time.Duration;

import org.apache.kafka.clients.consumer.Consumer;

import org.springframework.kafka.core.ConsumerPostProcessor;

/**
 * Puts a commit gate in front of each reliable consumer, so that failed records can be forwarded without waiting:
 * whoever commits the consumer's offsets (the container in every ack mode, on revocation too, the failure router,
 * a listener), nothing is committed past a forward the broker has not acknowledged, and a partition whose forward
 * failed is rewound to the record.
 */
public final class CommitGate implements ConsumerPostProcessor<Object, Object> {

	/**
	 * How long an ordinary commit waits for the forwards it covers before it commits their partitions only up to
	 * them: long enough for a healthy broker's acknowledgement, short enough that a slow forward holds back one
	 * partition's commit rather than the consumer.
	 */
	static final Duration COMMIT_WAIT = Duration.ofMillis(100);

	private final Duration forwardTimeout;

	private final Duration commitWait;

	/**
	 * Create the gate.
	 * @param forwardTimeout how long a forward may take before it counts as failed
	 */
	public CommitGate(Duration forwardTimeout) {
		this(forwardTimeout, (COMMIT_WAIT.compareTo(forwardTimeout) < 0) ? COMMIT_WAIT : forwardTimeout);
	}

	CommitGate(Duration forwardTimeout, Duration commitWait) {
		this.forwardTimeout = forwardTimeout;
		this.commitWait = commitWait;
	}

	@Override
	public Consumer<Object, Object> apply(Consumer<Object, Object> consumer) {
		return ForwardGate.wrap(consumer, this.forwardTimeout, this.commitWait);
	}

}
