package dev.reliablekafka.internal.breaker;

import java.util.concurrent.atomic.AtomicInteger;

import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.ListenerPolicy;

/**
 * Counts how often a breaker opened and closed; import it into a test application to read the counts.
 */
class BreakerTransitions implements ReliableEvents {

	final AtomicInteger opened = new AtomicInteger();

	final AtomicInteger closed = new AtomicInteger();

	@Override
	public void breakerOpened(ListenerPolicy listener) {
		this.opened.incrementAndGet();
	}

	@Override
	public void breakerClosed(ListenerPolicy listener) {
		this.closed.incrementAndGet();
	}

}
