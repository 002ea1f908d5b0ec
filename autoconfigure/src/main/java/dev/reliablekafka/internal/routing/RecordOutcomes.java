package dev.reliablekafka.internal.routing;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.RecordInterceptor;

import dev.reliablekafka.internal.blocking.InPlaceRetries;
import dev.reliablekafka.internal.breaker.OutageBreaker;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.ListenerPolicy;

/**
 * The record interceptor of a reliable container that hears which record its listener is processing and how that
 * ended, and tells, in this order:
 * <ul>
 * <li>the consumer's commit gate, so that no commit passes the record in process before its outcome is known.
 * spring-kafka commits the acknowledgements it queued before it hands a failed record to the error handler; with
 * manual acks, one kept from an earlier poll may lie beyond a record that was rewound and is being processed
 * again. Only the listener's own acknowledgement of the record itself, while it runs, may commit it; once the
 * record failed, nothing may until the failure router took it over ({@link ForwardGate#processed});</li>
 * <li>the delivery events: how late a record comes back from the group's retry topic, and how many deliveries a
 * record retried in place took;</li>
 * <li>the listener's outage breaker, of each processed record; failures reach it through the failure router,
 * which knows whether they are retryable.</li>
 * </ul>
 * It runs first among a container's record interceptors, on the record as consumed. One instance serves one
 * container, whose consumers share it, each on its own thread: the gate of a thread's consumer is kept until the
 * container clears the thread's state (after each poll), and checked against the consumer on every call, so a
 * consumer replaced on the same thread is never given another's gate.
 */
public final class RecordOutcomes<K, V> implements RecordInterceptor<K, V> {

	private final DeliveryEvents deliveryEvents;

	private final @Nullable OutageBreaker breaker;

	// The commit gate of this thread's consumer, until the container clears the thread's state after a poll.
	private final ThreadLocal<@Nullable Gated> gates = new ThreadLocal<>();

	/**
	 * Create the interceptor of one listener's container.
	 * @param policy the listener's policy
	 * @param inPlaceRetries the failure router's in-place retries for a BLOCKING listener, else {@code null}
	 * @param breaker the listener's outage breaker, or {@code null} if it has none
	 * @param events told what the listener sees of its failed records
	 */
	public RecordOutcomes(ListenerPolicy policy, @Nullable InPlaceRetries inPlaceRetries,
			@Nullable OutageBreaker breaker, ReliableEvents events) {
		this.deliveryEvents = new DeliveryEvents(policy, inPlaceRetries, events);
		this.breaker = breaker;
	}

	@Override
	public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
		ForwardGate gate = gate(consumer);
		if (gate != null) {
			gate.processing(record);
		}
		this.deliveryEvents.delivering(record);
		return record;
	}

	@Override
	public void success(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
		ForwardGate gate = gate(consumer);
		if (gate != null) {
			gate.processed();
		}
		this.deliveryEvents.processed(record);
		if (this.breaker != null) {
			this.breaker.succeeded(record);
		}
	}

	@Override
	public void failure(ConsumerRecord<K, V> record, Exception exception, Consumer<K, V> consumer) {
		// The failure router takes the record over; until then nothing may commit it.
		ForwardGate gate = gate(consumer);
		if (gate != null) {
			gate.processingFailed();
		}
	}

	@Override
	public void clearThreadState(Consumer<?, ?> consumer) {
		this.gates.remove();
	}

	private @Nullable ForwardGate gate(Consumer<?, ?> consumer) {
		Gated known = this.gates.get();
		if (known == null || known.consumer() != consumer) {
			known = new Gated(consumer, ForwardGate.of(consumer));
			this.gates.set(known);
		}
		return known.gate();
	}

	/**
	 * A consumer and its commit gate, if it has one.
	 */
	private record Gated(Consumer<?, ?> consumer, @Nullable ForwardGate gate) {
	}

}
