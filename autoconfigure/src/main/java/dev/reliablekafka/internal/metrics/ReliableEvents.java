package dev.reliablekafka.internal.metrics;

import java.util.List;

import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;

/**
 * What happens to failed records, told by the failure router, the listener's record interceptor and the delay
 * tier scheduler as it happens, so that meters and the health contributor can follow it without those classes
 * knowing either. Every method does nothing by default, and {@link #NONE} is used where nobody listens. Methods
 * are called on consumer threads and must return quickly.
 */
public interface ReliableEvents {

	/** Events that nobody listens to. */
	ReliableEvents NONE = new ReliableEvents() {
	};

	/**
	 * A failed record stays in place and is delivered again after a back-off.
	 * @param listener the listener's policy
	 */
	default void retriedInPlace(ListenerPolicy listener) {
	}

	/**
	 * The broker acknowledged a failed record forwarded to the delay tier of its next retry.
	 * @param listener the listener's policy
	 * @param level the delay level
	 */
	default void forwardedToLevel(ListenerPolicy listener, DelayLevel level) {
	}

	/**
	 * The broker acknowledged a failed record sent to the group's dead-letter topic.
	 * @param listener the listener's policy
	 * @param reason why it was dead-lettered
	 */
	default void deadLettered(ListenerPolicy listener, DeadLetterReason reason) {
	}

	/**
	 * A failed record could not be forwarded (to a delay tier or the dead-letter topic); it stays in place.
	 * @param listener the listener's policy
	 */
	default void forwardFailed(ListenerPolicy listener) {
	}

	/**
	 * A record that failed in place (BLOCKING) is done with: processed, or dead-lettered.
	 * @param listener the listener's policy
	 * @param deliveries its deliveries, the first included
	 */
	default void inPlaceAttempts(ListenerPolicy listener, int deliveries) {
	}

	/**
	 * A record came back from the group's retry topic.
	 * @param listener the listener's policy
	 * @param latenessMillis how long after its due time it was delivered
	 */
	default void redeliveryLateness(ListenerPolicy listener, long latenessMillis) {
	}

	/**
	 * The scheduler handed a due delay tier record over (to its group's retry topic, or where a record that
	 * can never go there goes), with the broker's acknowledgement.
	 * @param tier the delay tier topic
	 * @param dueTime when the record was due, epoch milliseconds; 0 when it carried no due time
	 */
	default void handedOff(String tier, long dueTime) {
	}

	/**
	 * The scheduler could not hand a due delay tier record over; it is tried again.
	 * @param tier the delay tier topic
	 */
	default void handOffFailed(String tier) {
	}

	/**
	 * A listener's outage breaker opened: its partitions are paused and failed records stay in place.
	 * @param listener the listener's policy
	 */
	default void breakerOpened(ListenerPolicy listener) {
	}

	/**
	 * The record an outage breaker let through failed again: the breaker is open for a longer wait.
	 * @param listener the listener's policy
	 */
	default void breakerReopened(ListenerPolicy listener) {
	}

	/**
	 * An outage breaker's wait is over: one record is tried.
	 * @param listener the listener's policy
	 */
	default void breakerHalfOpen(ListenerPolicy listener) {
	}

	/**
	 * The record an outage breaker let through succeeded: the breaker closed and every partition is resumed.
	 * @param listener the listener's policy
	 */
	default void breakerClosed(ListenerPolicy listener) {
	}

	/**
	 * Return events that tell every one of the given listeners.
	 * @param all the listeners, in order
	 * @return the events; {@link #NONE} when the list is empty
	 */
	static ReliableEvents of(List<ReliableEvents> all) {
		if (all.isEmpty()) {
			return NONE;
		}
		return (all.size() == 1) ? all.get(0) : new CompositeEvents(List.copyOf(all));
	}

}
