package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchConsumerAwareMessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.routing.GatedHandOff;
import dev.reliablekafka.internal.routing.RecordForwarder;
import dev.reliablekafka.internal.routing.RecordForwarder.Forward;
import dev.reliablekafka.internal.support.DurationText;

/**
 * The scheduler's listener. From each poll it hands every delay tier record that is due to the retry topic of
 * the group that failed to process it, unchanged, without waiting, and commits the poll through the consumer's
 * commit gate, as a reliable listener's forwards are committed (see {@link GatedHandOff}): each partition is
 * committed only up to its first hand-off the broker has not acknowledged (with transactions on, the hand-offs
 * and the offsets of the poll are one transaction), and a partition whose hand-off failed is rewound to that
 * record. A partition whose next record is not due yet is rewound to that record and paused until its due time;
 * nothing is held in memory. A record is never handed over before its due time.
 * <p>
 * A failed hand-off is classified when its record is delivered again: a record that can never reach its group's
 * retry topic (see {@link HandOffRoutes}) goes to a dead-letter or parking topic at once, so that the records
 * behind it flow on; after any other failure, and while its topic is missing or refuses writes for less than the
 * patience, its partition waits {@link #FORWARD_RETRY_INTERVAL} before the record is tried again.
 */
public class SchedulerListener implements BatchConsumerAwareMessageListener<byte[], byte[]> {

	private static final LogAccessor logger = new LogAccessor(SchedulerListener.class);

	/**
	 * Waits up to this long in all, per poll, are spent on the consumer thread: cheaper than a pause, a seek and a
	 * new fetch, and short enough not to hold up partitions that are resumed meanwhile.
	 */
	static final long SHORT_WAIT_MILLIS = 20;

	/** How long a partition waits after a failed hand-off before it is tried again. */
	static final Duration FORWARD_RETRY_INTERVAL = Duration.ofSeconds(1);

	private final RecordForwarder forwarder;

	private final HandOffRoutes routes;

	private final PartitionBackOff partitionBackOff;

	/** Per partition, the record whose own hand-off failed last, and why: diagnosed when it is delivered again. */
	private final Map<TopicPartition, Failure> failures = new HashMap<>();

	/** Partitions whose hand-offs failed or were undone since the current poll: the commit gate rewound them. */
	private final Set<TopicPartition> undone = new HashSet<>();

	/** Whether a hand-off failed for its own reason since the current poll, rather than only being undone. */
	private boolean failedSincePoll;

	private @Nullable MessageListenerContainer container;

	private ReliableEvents events = ReliableEvents.NONE;

	/**
	 * Create the listener.
	 * @param forwarder sends the due records
	 * @param routes decides where each due record goes
	 * @param partitionBackOff holds a partition back until its next record is due
	 */
	SchedulerListener(RecordForwarder forwarder, HandOffRoutes routes, PartitionBackOff partitionBackOff) {
		this.forwarder = forwarder;
		this.routes = routes;
		this.partitionBackOff = partitionBackOff;
	}

	/**
	 * Set the container this listener runs in, whose partitions it pauses.
	 * @param container the container
	 */
	public void setContainer(MessageListenerContainer container) {
		this.container = container;
	}

	/**
	 * Set whom to tell about each hand-off.
	 * @param events told about hand-offs and failed hand-offs
	 */
	void setEvents(ReliableEvents events) {
		this.events = events;
	}

	@Override
	public void onMessage(List<ConsumerRecord<byte[], byte[]>> records, Consumer<?, ?> consumer) {
		GatedHandOff handOffs = GatedHandOff.of(consumer, this.forwarder);
		this.undone.clear();
		this.failedSincePoll = false;
		Map<TopicPartition, Long> handled = new HashMap<>();
		// Partitions that stop at a record not handed over, to rewind to it; those in later wait first.
		Map<TopicPartition, Long> stopped = new LinkedHashMap<>();
		Set<TopicPartition> later = new HashSet<>();
		ConsumerRecord<byte[], byte[]> alone = toTryAlone(records);
		List<ConsumerRecord<byte[], byte[]>> pending = (alone != null) ? List.of(alone) : records;
		// Its transaction holds it alone, so that its failure, if any, is its own: the rest waits a poll.
		Map<TopicPartition, Long> nextPoll = new LinkedHashMap<>();
		if (alone != null) {
			records.stream()
				.filter(record -> !partition(record).equals(partition(alone)) || record.offset() > alone.offset())
				.forEach(record -> nextPoll.putIfAbsent(partition(record), record.offset()));
		}
		Map<TopicPartition, ConsumerRecord<byte[], byte[]>> waiting;
		long started = System.currentTimeMillis();
		while (true) {
			long now = System.currentTimeMillis();
			waiting = new LinkedHashMap<>();
			for (ConsumerRecord<byte[], byte[]> record : pending) {
				TopicPartition partition = partition(record);
				if (waiting.containsKey(partition) || stopped.containsKey(partition)) {
					continue; // behind a record that is not due or not handed over: keeps its place
				}
				Long dueTime = DueTimes.dueTime(record);
				if (dueTime != null && dueTime > now) {
					waiting.put(partition, record);
					continue;
				}
				Step step = handOver(record, dueTime != null, handOffs, record == alone);
				if (step == Step.SENT) {
					handled.put(partition, record.offset() + 1);
				}
				else {
					stopped.put(partition, record.offset());
					if (step == Step.LATER) {
						later.add(partition);
					}
				}
			}
			long nextDue = waiting.values().stream().mapToLong(this::dueTime).min().orElse(Long.MAX_VALUE);
			long wait = nextDue - System.currentTimeMillis();
			// Short waits only, and not many in a row: partitions resumed meanwhile wait for this thread.
			if (waiting.isEmpty() || nextDue - started > SHORT_WAIT_MILLIS) {
				break;
			}
			if (wait > 0) {
				sleep(wait);
			}
			pending = behindWaiting(records, waiting);
		}
		nextPoll.forEach((partition, offset) -> stopped.merge(partition, offset, Math::min));
		// The gate commits each partition up to its first hand-off not acknowledged, and rewinds to a failed one.
		commit(handled, consumer);
		if (!this.failedSincePoll && !this.undone.isEmpty()) {
			// Undone with no hand-off failing: the transaction itself did not commit. Not again at once.
			logger.warn(() -> "The hand-offs of " + this.undone + " did not commit; trying again in "
					+ DurationText.of(FORWARD_RETRY_INTERVAL));
			// The gate rewound them already: they only wait.
			this.undone.forEach(partition -> this.partitionBackOff.pause(container(), partition,
					FORWARD_RETRY_INTERVAL));
		}
		stopped.forEach((partition, offset) -> holdBack(consumer, partition, offset,
				later.contains(partition) ? FORWARD_RETRY_INTERVAL : Duration.ZERO));
		waiting.forEach((partition, head) -> {
			if (stopped.containsKey(partition) || this.undone.contains(partition)) {
				return; // rewound to an earlier record that was not handed over
			}
			holdBack(consumer, partition, head.offset(),
					Duration.ofMillis(Math.max(1, dueTime(head) - System.currentTimeMillis())));
		});
	}

	/**
	 * With transactions on, a record whose last hand-off failed in a transaction with others, for a reason that
	 * may be its own or another's (a transactional producer fails every send after the first failure with that
	 * failure): it is handed over alone before its failure is believed. So is a due record bound for a topic that
	 * records are waiting for (missing or refusing writes), whose refusal would undo the others' hand-offs.
	 */
	private @Nullable ConsumerRecord<byte[], byte[]> toTryAlone(List<ConsumerRecord<byte[], byte[]>> records) {
		if (!this.forwarder.isTransactional()) {
			return null;
		}
		Set<TopicPartition> seen = new HashSet<>();
		for (ConsumerRecord<byte[], byte[]> record : records) {
			if (!seen.add(partition(record))) {
				continue; // only the first record of a partition: nothing before it may be left behind
			}
			Failure failure = this.failures.get(partition(record));
			if (failure != null && failure.offset() == record.offset() && !failure.alone()
					&& this.routes.diagnose(failure.forward()) == HandOffRoutes.Diagnosis.TRY_ALONE) {
				return record;
			}
			// Its topic refused the last record sent there: if it still does, it must undo no other hand-off.
			if (failure == null && this.routes.awaitsTopic(record)) {
				Long dueTime = DueTimes.dueTime(record);
				if (dueTime == null || dueTime <= System.currentTimeMillis()) {
					return record;
				}
			}
		}
		return null;
	}

	/**
	 * Hand a due record over without waiting; when its last hand-off failed, first find out whether it can ever
	 * be handed over where it was going.
	 * @param valid whether the record has a valid due time
	 * @param alone whether it is handed over alone in its transaction, to learn why it failed
	 * @return what became of it
	 */
	private Step handOver(ConsumerRecord<byte[], byte[]> record, boolean valid, GatedHandOff handOffs,
			boolean alone) {
		if (handOffs.isRewoundBelow(record)) {
			return Step.STOPPED; // an earlier hand-off of its partition failed: it comes back with that record
		}
		Failure failure = this.failures.get(partition(record));
		if (failure != null && failure.offset() <= record.offset()) {
			this.failures.remove(partition(record));
			if (failure.offset() == record.offset() && !alone && !elsewhere(failure)) {
				long waited = System.currentTimeMillis() - failure.at();
				if (waited < FORWARD_RETRY_INTERVAL.toMillis()) {
					logger.error(() -> "Delay tier record " + KafkaUtils.format(record) + " could not be handed to "
							+ failure.forward().topic() + "; trying again in "
							+ DurationText.of(FORWARD_RETRY_INTERVAL));
					return Step.LATER;
				}
			}
		}
		// To the dead-letter or parking topic if the record was found never to reach its retry topic.
		Forward forward = this.routes.route(record,
				valid ? null : "it has no valid " + ReliableHeaders.DUE_TIME + " header");
		if (forward == null) {
			return Step.LATER; // its topic is missing or refuses writes for now: it waits for it here
		}
		boolean ownFailure = alone || !this.forwarder.isTransactional();
		try {
			handOffs.send(record, forward.topic(), forward.headers(), outcome(forward, ownFailure));
			return Step.SENT;
		}
		catch (RuntimeException ex) {
			failed(forward, ex, ownFailure);
			return Step.STOPPED;
		}
	}

	/**
	 * Find out why a hand-off failed: a record that can never be handed over where it was going is routed
	 * elsewhere at once, so that it does not hold up the records behind it. A failure that may have been
	 * another's (see {@link #toTryAlone}) is not judged by its cause.
	 * @return whether the record is routed elsewhere now; {@code false} when the failure may pass
	 */
	private boolean elsewhere(Failure failure) {
		HandOffRoutes.Diagnosis diagnosis = this.routes.diagnose(failure.forward());
		if (diagnosis == HandOffRoutes.Diagnosis.TRY_ALONE) {
			// The broker says the topic can be written to: the hand-off's own error tells, if it is its own.
			return failure.alone() && this.routes.failedForGood(failure.forward(), failure.cause());
		}
		return diagnosis == HandOffRoutes.Diagnosis.ELSEWHERE;
	}

	private GatedHandOff.Outcome outcome(Forward forward, boolean ownFailure) {
		TopicPartition partition = partition(forward.record());
		long next = forward.record().offset() + 1;
		return new GatedHandOff.Outcome() {

			@Override
			public void handedOver() {
				SchedulerListener.this.routes.handedOver(partition, next, forward.topic());
				SchedulerListener.this.events.handedOff(forward.record().topic(), dueTime(forward.record()));
			}

			@Override
			public void failed(Throwable cause) {
				SchedulerListener.this.failed(forward, cause, ownFailure);
			}

			@Override
			public void rolledBack(Throwable cause) {
				// Undone with its transaction, for another hand-off's failure or the commit's: simply sent again.
				SchedulerListener.this.undone.add(partition);
			}

		};
	}

	/**
	 * A hand-off failed, now or, found by a later commit, after its partition moved on (even paused until a later
	 * record's due time): the commit gate rewinds the partition to it, and it is diagnosed when it comes back;
	 * unless it can never be handed over, it is tried again {@link #FORWARD_RETRY_INTERVAL} after the failure.
	 * @param alone whether the failure is the hand-off's own, not possibly another's in its transaction
	 */
	private void failed(Forward forward, Throwable cause, boolean alone) {
		TopicPartition partition = partition(forward.record());
		this.undone.add(partition);
		this.failedSincePoll = true;
		// The first failure of a partition is where the gate rewinds it to; the others follow from it.
		this.failures.merge(partition, new Failure(forward, cause, System.currentTimeMillis(), alone),
				(earlier, later) -> (later.offset() < earlier.offset()) ? later : earlier);
		// Delivered again at once, even when paused until a later record's due time, to be diagnosed.
		MessageListenerContainer target = this.container;
		if (target != null) {
			this.partitionBackOff.resumeNow(target, partition);
		}
		this.events.handOffFailed(forward.record().topic());
		logger.warn(() -> "Delay tier record " + KafkaUtils.format(forward.record()) + " could not be handed to "
				+ forward.topic() + " (" + cause + "); it is delivered again");
	}

	private static void commit(Map<TopicPartition, Long> handled, Consumer<?, ?> consumer) {
		if (handled.isEmpty()) {
			return;
		}
		try {
			consumer.commitSync(offsets(handled));
		}
		catch (WakeupException ex) {
			// A partition was resumed just as the last poll returned: the wake-up meant for that poll lands here.
			consumer.commitSync(offsets(handled));
		}
	}

	// Rewound to the record, then waiting (not at all when the wait is zero).
	private void holdBack(Consumer<?, ?> consumer, TopicPartition partition, long offset, Duration wait) {
		this.partitionBackOff.holdBack(consumer, container(), partition, offset, wait);
	}

	private MessageListenerContainer container() {
		MessageListenerContainer target = this.container;
		if (target == null) {
			throw new IllegalStateException("The scheduler's listener was not given its container");
		}
		return target;
	}

	/** What became of a due record: sent, or not, its partition rewound to it (and waiting first: LATER). */
	private enum Step { SENT, STOPPED, LATER }

	/**
	 * A hand-off that failed, to diagnose when its record is delivered again.
	 * @param forward the hand-off
	 * @param cause why it failed
	 * @param at when
	 * @param alone whether the cause is the hand-off's own (with transactions on, another's failure can fail it)
	 */
	private record Failure(Forward forward, Throwable cause, long at, boolean alone) {

		long offset() {
			return this.forward.record().offset();
		}

	}

	private static List<ConsumerRecord<byte[], byte[]>> behindWaiting(List<ConsumerRecord<byte[], byte[]>> records,
			Map<TopicPartition, ConsumerRecord<byte[], byte[]>> waiting) {
		return records.stream().filter(record -> {
			ConsumerRecord<byte[], byte[]> head = waiting.get(new TopicPartition(record.topic(), record.partition()));
			return head != null && record.offset() >= head.offset();
		}).toList();
	}

	private static Map<TopicPartition, OffsetAndMetadata> offsets(Map<TopicPartition, Long> positions) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		positions.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
		return offsets;
	}

	private static TopicPartition partition(ConsumerRecord<?, ?> record) {
		return new TopicPartition(record.topic(), record.partition());
	}

	private long dueTime(ConsumerRecord<?, ?> record) {
		Long dueTime = DueTimes.dueTime(record);
		return (dueTime != null) ? dueTime : 0;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
