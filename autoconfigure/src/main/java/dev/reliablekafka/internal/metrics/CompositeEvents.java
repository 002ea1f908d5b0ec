package dev.reliablekafka.internal.metrics;

import java.util.List;

import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;

/**
 * Tells several listeners of {@link ReliableEvents}, in order.
 */
final class CompositeEvents implements ReliableEvents {

	private final List<ReliableEvents> all;

	CompositeEvents(List<ReliableEvents> all) {
		this.all = all;
	}

	@Override
	public void retriedInPlace(ListenerPolicy listener) {
		this.all.forEach(events -> events.retriedInPlace(listener));
	}

	@Override
	public void forwardedToLevel(ListenerPolicy listener, DelayLevel level) {
		this.all.forEach(events -> events.forwardedToLevel(listener, level));
	}

	@Override
	public void deadLettered(ListenerPolicy listener, DeadLetterReason reason) {
		this.all.forEach(events -> events.deadLettered(listener, reason));
	}

	@Override
	public void forwardFailed(ListenerPolicy listener) {
		this.all.forEach(events -> events.forwardFailed(listener));
	}

	@Override
	public void inPlaceAttempts(ListenerPolicy listener, int deliveries) {
		this.all.forEach(events -> events.inPlaceAttempts(listener, deliveries));
	}

	@Override
	public void redeliveryLateness(ListenerPolicy listener, long latenessMillis) {
		this.all.forEach(events -> events.redeliveryLateness(listener, latenessMillis));
	}

	@Override
	public void handedOff(String tier, long dueTime) {
		this.all.forEach(events -> events.handedOff(tier, dueTime));
	}

	@Override
	public void handOffFailed(String tier) {
		this.all.forEach(events -> events.handOffFailed(tier));
	}

	@Override
	public void breakerOpened(ListenerPolicy listener) {
		this.all.forEach(events -> events.breakerOpened(listener));
	}

	@Override
	public void breakerReopened(ListenerPolicy listener) {
		this.all.forEach(events -> events.breakerReopened(listener));
	}

	@Override
	public void breakerHalfOpen(ListenerPolicy listener) {
		this.all.forEach(events -> events.breakerHalfOpen(listener));
	}

	@Override
	public void breakerClosed(ListenerPolicy listener) {
		this.all.forEach(events -> events.breakerClosed(listener));
	}

}
