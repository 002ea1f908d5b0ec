package dev.reliablekafka.internal.health;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.reliablekafka.internal.metrics.DeadLetterReason;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;

/**
 * Remembers, per listener, since when its forwards have been failing without one succeeding in between. While
 * they fail, failed records stay in place, so a listener whose forwards keep failing makes no progress on them.
 */
public class ForwardFailures implements ReliableEvents {

	private final Map<String, Instant> failingSince = new ConcurrentHashMap<>();

	private final Clock clock;

	/**
	 * Create the tracker on the system clock.
	 */
	public ForwardFailures() {
		this(Clock.systemUTC());
	}

	ForwardFailures(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Return since when the forwards of a listener have been failing.
	 * @param listenerId the listener id
	 * @return the time of the first failed forward since the last one that succeeded, or {@code null} if the last
	 * forward succeeded or none failed
	 */
	public @Nullable Instant failingSince(String listenerId) {
		return this.failingSince.get(listenerId);
	}

	@Override
	public void forwardFailed(ListenerPolicy listener) {
		this.failingSince.putIfAbsent(listener.listenerId(), this.clock.instant());
	}

	@Override
	public void forwardedToLevel(ListenerPolicy listener, DelayLevel level) {
		this.failingSince.remove(listener.listenerId());
	}

	@Override
	public void deadLettered(ListenerPolicy listener, DeadLetterReason reason) {
		this.failingSince.remove(listener.listenerId());
	}

}
