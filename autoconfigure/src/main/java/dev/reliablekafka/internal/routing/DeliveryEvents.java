package dev.reliablekafka.internal.routing;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.internal.blocking.InPlaceRetries;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * Tells what a listener sees of its failed records: how late a record comes back from the group's retry topic,
 * after its due time, and, in BLOCKING, how many deliveries a record that failed in place took once it is
 * processed.
 */
final class DeliveryEvents {

	private final ListenerPolicy policy;

	private final HeaderTrust trust;

	private final @Nullable InPlaceRetries inPlaceRetries;

	private final ReliableEvents events;

	/**
	 * Create the events of one listener.
	 * @param policy the listener's policy
	 * @param inPlaceRetries the failure router's in-place retries for a BLOCKING listener, else {@code null}
	 * @param events whom to tell
	 */
	DeliveryEvents(ListenerPolicy policy, @Nullable InPlaceRetries inPlaceRetries, ReliableEvents events) {
		this.policy = policy;
		this.trust = new HeaderTrust(policy);
		this.inPlaceRetries = inPlaceRetries;
		this.events = events;
	}

	/**
	 * A record is about to be delivered to the listener.
	 * @param record the record as consumed
	 */
	void delivering(ConsumerRecord<?, ?> record) {
		if (this.events == ReliableEvents.NONE || !this.trust.trusts(record)) {
			return;
		}
		Long dueTime;
		try {
			dueTime = HeaderValues.dueTime(record);
		}
		catch (NumberFormatException ex) {
			return;
		}
		if (dueTime != null) {
			this.events.redeliveryLateness(this.policy, System.currentTimeMillis() - dueTime);
		}
	}

	/**
	 * The listener processed a record.
	 * @param record the record
	 */
	void processed(ConsumerRecord<?, ?> record) {
		if (this.inPlaceRetries == null || this.events == ReliableEvents.NONE) {
			return;
		}
		int failed = this.inPlaceRetries.failedAttempts(record);
		if (failed > 0) {
			this.events.inPlaceAttempts(this.policy, failed + 1);
		}
	}

}
