package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.ExceptionMatcher;
import org.springframework.scheduling.TaskScheduler;

import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.BreakerPolicy;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.support.DurationText;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * The outage breaker of one listener, shared by the consumers of its container. It follows the outcomes of the
 * listener's records (successes, and failures the failure router would retry) in a window of the latest ones, and
 * <b>opens</b> when the window holds at least {@code min-failures} failures at a rate of at least
 * {@code failure-rate}: the failed record stays in place (neither forwarded nor dead-lettered, no attempt counted,
 * nothing committed past it) and every partition of the container is paused, while its consumers keep polling so
 * that the group does not rebalance. After {@code wait} it is <b>half-open</b>: only the partition of a kept record
 * is resumed, so that this record is tried first. Its success <b>closes</b> the breaker and resumes every
 * partition; its failure opens it again for a longer wait ({@code wait-multiplier}, at most {@code max-wait}). If
 * no record is tried within the wait (the partition moved to another instance), every partition is resumed: while
 * the breaker is not closed, each failed record stays in place, so this floods nothing.
 * <p>
 * Not-retryable and poison failures never count: the router dead-letters them before asking the breaker. A record
 * that fails again while its earlier failure is still in the window counts once (by its message id), so that one
 * record retried over and over in a quiet stream does not open it.
 */
public final class OutageBreaker {

	private static final LogAccessor logger = new LogAccessor(OutageBreaker.class);

	/** What the breaker lets through. */
	public enum State {

		/** Every record: failures are handled by the listener's mode. */
		CLOSED,

		/** None: partitions are paused, failed records stay in place. */
		OPEN,

		/** One record, whose outcome decides. */
		HALF_OPEN

	}

	/** Tries in a row of one record, with no other record to try, before it goes its mode's way. */
	static final int SAME_RECORD_TRIES = 3;

	private final ListenerPolicy listener;

	private final BreakerPolicy policy;

	private final ExceptionMatcher outageExceptions;

	private final ReliableEvents events;

	private final TaskScheduler scheduler;

	private final PartitionBackOff partitionBackOff;

	private final OutageWindow window;

	private State state = State.CLOSED;

	private @Nullable MessageListenerContainer container;

	// Partitions of records kept in place while open, oldest first: the probe is taken from them.
	private final Set<TopicPartition> kept = new LinkedHashSet<>();

	// Partitions this breaker paused, so that closing resumes those only.
	private final Set<TopicPartition> paused = new LinkedHashSet<>();

	private @Nullable TopicPartition probe;

	// Half-open with every partition resumed (no kept record was assigned here, or the one tried gave none).
	private boolean widened;

	// The partition whose record failed the last try, if it did, that record's message id, and how many tries in a
	// row that record failed.
	private @Nullable TopicPartition lastFailedProbe;

	private @Nullable String lastFailedProbeId;

	private int sameProbeFailures;

	private int failedProbes;

	private long generation;

	private @Nullable Instant since;

	private @Nullable Instant nextProbe;

	OutageBreaker(ListenerPolicy listener, ReliableEvents events, TaskScheduler scheduler,
			PartitionBackOff partitionBackOff) {
		this.listener = listener;
		this.policy = listener.breaker();
		this.events = events;
		this.scheduler = scheduler;
		this.partitionBackOff = partitionBackOff;
		this.window = new OutageWindow(this.policy.window());
		this.outageExceptions = ExceptionMatcher.forAllowList().addAll(this.policy.outageExceptions()).build();
		this.outageExceptions.setTraverseCauses(true);
	}

	/**
	 * A record failed with a retryable exception; called by the failure router before it hands the record over.
	 * @param record the failed record
	 * @param thrown what the listener threw
	 * @param container the listener's container
	 * @return {@code true} when the record must stay in place (the breaker is open, or this failure opened it):
	 * the router then neither forwards it nor counts an attempt
	 */
	public synchronized boolean keepsInPlace(ConsumerRecord<?, ?> record, Throwable thrown,
			MessageListenerContainer container) {
		this.container = container;
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		switch (this.state) {
			case CLOSED -> {
				int weight = (!this.policy.outageExceptions().isEmpty() && this.outageExceptions.match(thrown)) ? 2 : 1;
				if (!this.window.failure(weight, HeaderValues.messageId(record))
						|| this.window.failures() < this.policy.minFailures()
						|| this.window.failureRate() < this.policy.failureRate()) {
					return false;
				}
				open(partition, thrown);
			}
			case OPEN -> {
				// A record of a partition not paused yet (just assigned, or fetched before the pause took effect).
				this.kept.add(partition);
				pauseAll();
			}
			case HALF_OPEN -> {
				this.failedProbes++;
				this.lastFailedProbe = partition;
				String id = HeaderValues.messageId(record);
				this.sameProbeFailures = Objects.equals(id, this.lastFailedProbeId) ? this.sameProbeFailures + 1 : 1;
				this.lastFailedProbeId = id;
				open(partition, thrown);
				if (this.sameProbeFailures >= SAME_RECORD_TRIES) {
					// Tried again and again while no other record could be (the container holds it, or it heads the
					// only partition): it goes its mode's way, an attempt counted or its next delay level, so that a
					// record failing for a reason of its own does not hold the listener for ever.
					this.sameProbeFailures = 0;
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * The listener processed a record.
	 * @param record the record
	 */
	public synchronized void succeeded(ConsumerRecord<?, ?> record) {
		if (this.state == State.CLOSED) {
			this.window.success();
		}
		else if (this.state == State.HALF_OPEN) {
			close(record);
		}
		// While open, a record that slipped through proves little: only the probe closes the breaker.
	}

	/**
	 * Partitions were assigned to one of the container's consumers: while the breaker is not closed, they wait
	 * too (the probe's partition excepted).
	 * @param partitions the new partitions
	 */
	public synchronized void assigned(Collection<TopicPartition> partitions) {
		MessageListenerContainer current = this.container;
		if (this.state == State.CLOSED || current == null || (this.state == State.HALF_OPEN && this.widened)) {
			return; // every partition may deliver now, and nothing is scheduled that would resume it
		}
		for (TopicPartition partition : partitions) {
			if (!partition.equals(this.probe)) {
				pause(current, partition);
			}
		}
	}

	private void open(TopicPartition partition, Throwable thrown) {
		State before = this.state;
		this.state = State.OPEN;
		this.widened = false;
		this.kept.add(partition);
		this.probe = null;
		Duration wait = this.policy.waitAfter(this.failedProbes);
		Instant now = Instant.now();
		if (before == State.CLOSED) {
			this.since = now;
		}
		this.nextProbe = now.plus(wait);
		long token = ++this.generation;
		pauseAll();
		this.scheduler.schedule(() -> halfOpen(token), this.nextProbe);
		if (before == State.CLOSED) {
			int failures = this.window.failures();
			int outcomes = failures + this.window.successes();
			this.events.breakerOpened(this.listener);
			logger.warn(() -> prefix() + "outage breaker opened: " + failures + " failures in the latest " + outcomes
					+ " outcomes (last: " + thrown.getClass().getName() + "); its partitions are paused and failed "
					+ "records stay in place; next try in " + DurationText.of(wait));
		}
		else {
			this.events.breakerReopened(this.listener);
			logger.info(() -> prefix() + "outage breaker: the record tried failed again (" + this.failedProbes
					+ " in a row); next try in " + DurationText.of(wait));
		}
	}

	private synchronized void halfOpen(long token) {
		MessageListenerContainer current = this.container;
		if (this.state != State.OPEN || token != this.generation || current == null) {
			return;
		}
		this.state = State.HALF_OPEN;
		Collection<TopicPartition> assigned = assigned(current);
		this.probe = nextProbe(assigned);
		this.events.breakerHalfOpen(this.listener);
		if (this.probe != null) {
			logger.info(() -> prefix() + "outage breaker half-open: trying the record kept in " + this.probe);
			resume(current, this.probe);
			Duration wait = this.policy.waitAfter(this.failedProbes);
			this.scheduler.schedule(() -> widen(token), Instant.now().plus(wait));
		}
		else {
			logger.info(() -> prefix() + "outage breaker half-open: no kept record is assigned here any more; "
					+ "resuming every partition until a record succeeds or fails");
			this.widened = true;
			resumeAll(current);
		}
	}

	/**
	 * The partition whose first record is tried next: a kept one, but not the one whose record failed the last
	 * try while another is there to try, so that a record failing for a reason of its own does not hold the
	 * listener for ever; failing that, a partition that kept nothing, whose first record is a fresh one.
	 */
	private @Nullable TopicPartition nextProbe(Collection<TopicPartition> assigned) {
		TopicPartition failedLast = this.lastFailedProbe;
		return this.kept.stream()
			.filter(assigned::contains)
			.filter(partition -> !partition.equals(failedLast))
			.findFirst()
			.or(() -> (failedLast == null) ? Optional.empty()
					: assigned.stream().filter(partition -> !this.kept.contains(partition)).findFirst())
			.or(() -> Optional.ofNullable(failedLast).filter(assigned::contains))
			.orElse(null);
	}

	// The probe's partition gave no record (it moved away, or its records were taken elsewhere): let any decide.
	private synchronized void widen(long token) {
		MessageListenerContainer current = this.container;
		if (this.state == State.HALF_OPEN && token == this.generation && current != null) {
			logger.info(() -> prefix() + "outage breaker half-open: no outcome from " + this.probe
					+ "; resuming every partition until a record succeeds or fails");
			this.widened = true;
			resumeAll(current);
		}
	}

	private void close(ConsumerRecord<?, ?> record) {
		MessageListenerContainer current = this.container;
		Instant opened = this.since;
		int probes = this.failedProbes + 1;
		this.state = State.CLOSED;
		this.widened = false;
		this.lastFailedProbe = null;
		this.lastFailedProbeId = null;
		this.sameProbeFailures = 0;
		this.generation++;
		this.window.clear();
		this.kept.clear();
		this.probe = null;
		this.failedProbes = 0;
		this.since = null;
		this.nextProbe = null;
		if (current != null) {
			resumeAll(current);
		}
		this.events.breakerClosed(this.listener);
		logger.warn(() -> prefix() + "outage breaker closed: " + record.topic() + "-" + record.partition() + "@"
				+ record.offset() + " succeeded after " + probes + " tries; open for "
				+ DurationText.of((opened != null) ? Duration.between(opened, Instant.now()) : Duration.ZERO)
				+ "; every partition is resumed");
	}

	private void pauseAll() {
		MessageListenerContainer current = this.container;
		if (current != null) {
			assigned(current).forEach(partition -> pause(current, partition));
		}
	}

	private void pause(MessageListenerContainer current, TopicPartition partition) {
		// An in-place back-off ending while the breaker holds the partition must not resume it.
		this.partitionBackOff.pauseUntilReleased(current, partition);
		this.paused.add(partition);
	}

	private void resume(MessageListenerContainer current, TopicPartition partition) {
		this.paused.remove(partition);
		this.partitionBackOff.release(current, partition);
	}

	private void resumeAll(MessageListenerContainer current) {
		List.copyOf(this.paused).forEach(partition -> resume(current, partition));
	}

	private static Collection<TopicPartition> assigned(MessageListenerContainer container) {
		Collection<TopicPartition> assigned = container.getAssignedPartitions();
		return (assigned != null) ? List.copyOf(assigned) : List.of();
	}

	/**
	 * Return the state.
	 * @return what the breaker lets through now
	 */
	public synchronized State state() {
		return this.state;
	}

	/**
	 * Describe the breaker for the health contributor.
	 * @return its state, the window's counts and, unless closed, since when and the next try
	 */
	public synchronized Map<String, Object> describe() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", this.state.name());
		details.put("failures", this.window.failures());
		details.put("successes", this.window.successes());
		if (this.since != null) {
			details.put("openSince", this.since.toString());
			details.put("failedTries", this.failedProbes);
			details.put("keptPartitions", this.kept.stream().map(TopicPartition::toString).sorted().toList());
		}
		if (this.state == State.OPEN && this.nextProbe != null) {
			details.put("nextTry", this.nextProbe.toString());
		}
		return details;
	}

	private String prefix() {
		return "Reliable listener '" + this.listener.listenerId() + "': ";
	}

}
