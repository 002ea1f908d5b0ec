package dev.reliablekafka.internal.breaker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.ListenerPolicy;

/**
 * The outage breakers of the application's reliable listeners, one per listener that enables it, and the thread
 * that ends their waits.
 */
public class OutageBreakers implements DisposableBean {

	private final Map<String, OutageBreaker> breakers = new ConcurrentHashMap<>();

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final PartitionBackOff partitionBackOff;

	/**
	 * Create the breakers.
	 * @param partitionBackOff the in-place back-offs, which must not resume a partition a breaker holds
	 */
	public OutageBreakers(PartitionBackOff partitionBackOff) {
		this.partitionBackOff = partitionBackOff;
		this.scheduler.setThreadNamePrefix("reliable-kafka-breaker-");
		this.scheduler.setDaemon(true);
		this.scheduler.initialize();
	}

	/**
	 * Return the breaker of a listener, created on first use.
	 * @param listener the listener's policy
	 * @param events told when the breaker changes state
	 * @return the breaker, or {@code null} when the listener has none
	 */
	public @Nullable OutageBreaker forListener(ListenerPolicy listener, ReliableEvents events) {
		if (!listener.breaker().enabled()) {
			return null;
		}
		return this.breakers.computeIfAbsent(listener.listenerId(),
				id -> new OutageBreaker(listener, events, this.scheduler, this.partitionBackOff));
	}

	/**
	 * Return the breaker of a listener, if it has one and it is in use.
	 * @param listenerId the listener id
	 * @return the breaker, or {@code null}
	 */
	public @Nullable OutageBreaker find(String listenerId) {
		return this.breakers.get(listenerId);
	}

	@Override
	public void destroy() {
		this.scheduler.destroy();
	}

}
