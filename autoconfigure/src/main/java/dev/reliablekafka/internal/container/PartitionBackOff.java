package dev.reliablekafka.internal.container;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The one way a partition of a listener container is held back, by both modes, the delay tier scheduler and the
 * outage breaker: {@linkplain #holdBack rewound} to the record it must deliver again and paused until a time, or
 * {@linkplain #pauseUntilReleased paused until released}. Rewinding comes first, so that the partition never
 * resumes at a position past that record.
 * <p>
 * A wait pauses the partition in the listener container and resumes it when the wait is over. The consumer keeps
 * polling meanwhile, so its other partitions flow and a wait longer than
 * {@code max.poll.interval.ms} causes no rebalance; resuming wakes the consumer so the retry is not delayed by
 * the poll timeout, and the consumer's fetches are kept short around the end of the wait
 * ({@link BackOffFetchWait}) so that the partition is not fetched again only after the broker held the fetch in
 * flight for {@code fetch.max.wait.ms}.
 * <p>
 * Only the latest pause of a partition in a container is ended by its own resume. A resume left over from an
 * earlier pause (a shorter one, or one made by another consumer of the same concurrent container before a
 * rebalance moved the partition) would otherwise end a later wait early.
 */
public class PartitionBackOff implements DisposableBean {

	private static final LogAccessor logger = new LogAccessor(PartitionBackOff.class);

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	// The latest pause of each paused partition, per container; guarded by itself, so that a resume and a new
	// pause of the same partition never interleave.
	private final Map<Paused, Long> latest = new HashMap<>();

	// Partitions held paused by someone else (an outage breaker): no wait ending resumes them. Guarded by latest.
	private final Set<Paused> held = new HashSet<>();

	private long pauses;

	/**
	 * Create the back-off with its own scheduler thread, which only resumes partitions.
	 */
	public PartitionBackOff() {
		this.scheduler.setThreadNamePrefix("reliable-kafka-resume-");
		this.scheduler.setDaemon(true);
		this.scheduler.initialize();
	}

	/**
	 * Hold a partition back: rewind it to the record to deliver again, then make it wait. A seek that fails
	 * propagates, and nothing is paused then.
	 * @param consumer the container's consumer, on its own thread
	 * @param container the container consuming the partition
	 * @param partition the partition
	 * @param offset the offset of the record to deliver again
	 * @param wait how long it waits before the record comes back; no pause when zero, only the rewind
	 */
	public void holdBack(Consumer<?, ?> consumer, MessageListenerContainer container, TopicPartition partition,
			long offset, Duration wait) {
		consumer.seek(partition, offset);
		pause(container, partition, wait);
	}

	/**
	 * Hold back every partition of a poll: rewind each to its first record (as spring-kafka's error handlers
	 * seek, a partition that cannot be rewound is logged), then make each wait.
	 * @param records the records of the poll
	 * @param consumer the container's consumer, on its own thread
	 * @param container the container consuming the partitions
	 * @param wait how long they wait before their records come back
	 */
	public void holdBack(ConsumerRecords<?, ?> records, Consumer<?, ?> consumer, MessageListenerContainer container,
			Duration wait) {
		List<ConsumerRecord<?, ?>> polled = new ArrayList<>();
		records.forEach(polled::add);
		RecordSeeks.rewind(polled, consumer);
		records.partitions().forEach(partition -> pause(container, partition, wait));
	}

	/**
	 * Make a partition wait that was rewound already (by a caller that had to put its records back before anything
	 * else, or by the commit gate); a wait already running for it is replaced by this one.
	 * @param container the container consuming the partition
	 * @param partition the partition
	 * @param wait how long it waits; nothing is paused when zero
	 */
	public void pause(MessageListenerContainer container, TopicPartition partition, Duration wait) {
		if (wait.isZero() || wait.isNegative()) {
			return;
		}
		Paused paused = new Paused(container, partition);
		Instant resumeAt = Instant.now().plus(wait);
		BackOffFetchWait.Waits waits = BackOffFetchWait.backingOff(System.nanoTime() + wait.toNanos());
		long token;
		synchronized (this.latest) {
			token = ++this.pauses;
			this.latest.put(paused, token);
			container.pausePartition(partition);
		}
		logger.debug(() -> "Pausing " + partition + " of " + container + " until " + resumeAt);
		this.scheduler.schedule(() -> resume(paused, token, waits), resumeAt);
	}

	private void resume(Paused paused, long token, BackOffFetchWait.@Nullable Waits waits) {
		synchronized (this.latest) {
			if (!this.latest.remove(paused, token)) {
				logger.debug(() -> "Not resuming " + paused.partition() + " of " + paused.container()
						+ ": it was paused again since");
				return;
			}
			if (this.held.contains(paused)) {
				logger.debug(() -> "Not resuming " + paused.partition() + " of " + paused.container()
						+ ": it is held");
				return;
			}
			logger.debug(() -> "Resuming " + paused.partition() + " of " + paused.container());
			// Also wakes the consumer, so that the partition is fetched again without waiting for the poll timeout.
			paused.container().resumePartition(paused.partition());
			if (waits != null) {
				waits.resumed();
			}
		}
	}

	/**
	 * End a partition's wait now, if it is waiting one: it is fetched again at once.
	 * @param container the container consuming the partition
	 * @param partition the partition
	 */
	public void resumeNow(MessageListenerContainer container, TopicPartition partition) {
		Paused paused = new Paused(container, partition);
		synchronized (this.latest) {
			Long token = this.latest.get(paused);
			if (token != null) {
				resume(paused, token, null);
			}
		}
	}

	/**
	 * Pause a partition for as long as its holder (an outage breaker) needs, until it is
	 * {@linkplain #release released}: its wait, if any, is forgotten, and no wait ending resumes it meanwhile.
	 * Nothing is rewound: the holder's records are kept in place by whoever handles them.
	 * @param container the container consuming the partition
	 * @param partition the partition
	 */
	public void pauseUntilReleased(MessageListenerContainer container, TopicPartition partition) {
		Paused paused = new Paused(container, partition);
		synchronized (this.latest) {
			this.latest.remove(paused);
			this.held.add(paused);
		}
		container.pausePartition(partition);
	}

	/**
	 * Release a partition {@linkplain #pauseUntilReleased paused until released} and resume it now, even if a wait
	 * started since is still running; waits resume it again from then on.
	 * @param container the container consuming the partition
	 * @param partition the partition
	 */
	public void release(MessageListenerContainer container, TopicPartition partition) {
		synchronized (this.latest) {
			this.held.remove(new Paused(container, partition));
		}
		container.resumePartition(partition);
	}

	/**
	 * Return the partitions of a listener's container that are waiting out a back-off now.
	 * @param listenerId the listener id, which is its container's
	 * @return the partitions, sorted by topic and partition
	 */
	public List<TopicPartition> waiting(String listenerId) {
		synchronized (this.latest) {
			return this.latest.keySet()
				.stream()
				.filter(paused -> listenerId.equals(paused.container().getListenerId()))
				.map(Paused::partition)
				.sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
				.toList();
		}
	}

	@Override
	public void destroy() {
		this.scheduler.destroy();
	}

	private record Paused(MessageListenerContainer container, TopicPartition partition) {
	}

}
