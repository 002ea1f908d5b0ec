package dev.reliablekafka.retrytopic;

import java.time.Duration;
import java.util.ArrayList;
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

import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.metrics.ReliableEvents;
import dev.reliablekafka.routing.ForwardingFailedException;
import dev.reliablekafka.routing.RecordForwarder;
import dev.reliablekafka.routing.RecordForwarder.Forward;
import dev.reliablekafka.routing.ReliableHeaders;

/**
 * The scheduler's listener. From each poll it hands every delay tier record that is due to the retry topic of
 * the group that failed to process it, unchanged, all at once, and commits their offsets once the broker has
 * acknowledged them (with transactions on, in the same transaction). A partition whose next record is not due yet
 * is rewound to that record and paused until its due time; nothing is held in memory. A record is never handed
 * over before its due time.
 * <p>
 * A failed hand-off is classified: a record that can never reach its group's retry topic (see
 * {@link HandOffRoutes}) goes to a dead-letter or parking topic, so that the records behind it flow on; any other
 * failure rewinds the partition to the record and tries again after {@link #FORWARD_RETRY_INTERVAL}.
 */
public class DueRecordForwarder implements BatchConsumerAwareMessageListener<byte[], byte[]> {

	private static final LogAccessor logger = new LogAccessor(DueRecordForwarder.class);

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

	private @Nullable MessageListenerContainer container;

	private ReliableEvents events = ReliableEvents.NONE;

	/**
	 * Create the listener.
	 * @param forwarder sends the due records
	 * @param routes decides where each due record goes
	 * @param partitionBackOff pauses a partition until its next record is due
	 */
	DueRecordForwarder(RecordForwarder forwarder, HandOffRoutes routes, PartitionBackOff partitionBackOff) {
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
		Map<TopicPartition, Long> handled = new HashMap<>();
		Set<TopicPartition> rewound = new HashSet<>();
		List<ConsumerRecord<byte[], byte[]>> pending = records;
		Map<TopicPartition, ConsumerRecord<byte[], byte[]>> waiting;
		long started = System.currentTimeMillis();
		while (true) {
			long now = System.currentTimeMillis();
			List<Forward> due = new ArrayList<>();
			waiting = new LinkedHashMap<>();
			for (ConsumerRecord<byte[], byte[]> record : pending) {
				TopicPartition partition = new TopicPartition(record.topic(), record.partition());
				if (waiting.containsKey(partition)) {
					continue; // behind a record that is not due: keeps its place
				}
				Long dueTime = DueTimes.dueTime(record);
				if (dueTime != null && dueTime > now) {
					waiting.put(partition, record);
				}
				else {
					due.add(this.routes.route(record,
							(dueTime != null) ? null : "it has no valid " + ReliableHeaders.DUE_TIME + " header"));
				}
			}
			if (!handOver(due, handled, rewound, consumer)) {
				break; // the partitions of the due records are rewound; those waiting are below
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
		commit(handled, consumer);
		waiting.forEach((partition, head) -> {
			if (rewound.contains(partition)) {
				return; // to an earlier record that could not be handed over
			}
			consumer.seek(partition, head.offset());
			pause(partition, Duration.ofMillis(Math.max(1, dueTime(head) - System.currentTimeMillis())));
		});
	}

	/**
	 * Forward the due records; with transactions, commit them and everything handled so far in the same
	 * transaction. On failure, {@link #recover} each partition from its first record not handed over.
	 * @return whether all due records were handed over
	 */
	private boolean handOver(List<Forward> due, Map<TopicPartition, Long> handled, Set<TopicPartition> rewound,
			Consumer<?, ?> consumer) {
		if (due.isEmpty()) {
			return true;
		}
		Map<TopicPartition, Long> afterDue = new HashMap<>(handled);
		due.forEach(forward -> afterDue.merge(partition(forward), forward.record().offset() + 1, Math::max));
		if (this.forwarder.isTransactional()) {
			try {
				this.forwarder.forwardAllAndCommit(due, offsets(afterDue), consumer.groupMetadata());
				handled.clear(); // committed with the transaction
				afterDue.forEach(this.routes::handedOver);
				due.forEach(this::handedOff);
				return true;
			}
			catch (ForwardingFailedException ex) {
				due.forEach(forward -> this.events.handOffFailed(forward.record().topic()));
				logger.error(ex, () -> "Could not hand " + due.size() + " due records to their retry topics");
				Map<TopicPartition, Forward> firstDue = new LinkedHashMap<>();
				due.forEach(forward -> firstDue.putIfAbsent(partition(forward), forward));
				recover(List.copyOf(firstDue.values()), handled, rewound, consumer);
				return false;
			}
		}
		List<Forward> failed = this.forwarder.forwardAll(due);
		if (failed.isEmpty()) {
			handled.putAll(afterDue);
			afterDue.forEach(this.routes::handedOver);
			due.forEach(this::handedOff);
			return true;
		}
		due.stream().filter(forward -> !failed.contains(forward)).forEach(this::handedOff);
		failed.forEach(forward -> this.events.handOffFailed(forward.record().topic()));
		logger.error(() -> "Could not hand " + failed.size() + " due records (the first: "
				+ KafkaUtils.format(failed.get(0).record()) + ") to " + failed.get(0).topic());
		// Per partition, what precedes the first failed record was handed over; the rest is sent again.
		Map<TopicPartition, Forward> firstFailed = new LinkedHashMap<>();
		failed.forEach(forward -> firstFailed.putIfAbsent(partition(forward), forward));
		due.stream()
			.filter(forward -> !firstFailed.containsKey(partition(forward))
					|| forward.record().offset() < firstFailed.get(partition(forward)).record().offset())
			.forEach(forward -> handled.merge(partition(forward), forward.record().offset() + 1, Math::max));
		recover(List.copyOf(firstFailed.values()), handled, rewound, consumer);
		return false;
	}

	/**
	 * Find out, per partition, why its first record that was not handed over failed: a record that can never be
	 * handed over is routed elsewhere at once, so that it does not hold up the records behind it; one whose
	 * failure may pass is tried again after {@link #FORWARD_RETRY_INTERVAL}. Each partition is rewound to its
	 * first record not handed over, and what precedes it is committed.
	 */
	private void recover(List<Forward> notHandedOver, Map<TopicPartition, Long> handled, Set<TopicPartition> rewound,
			Consumer<?, ?> consumer) {
		Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
		Set<TopicPartition> promptly = new HashSet<>();
		for (Forward forward : notHandedOver) {
			TopicPartition partition = partition(forward);
			long offset = forward.record().offset();
			rewind.put(partition, offset);
			switch (tryAlone(forward, consumer)) {
				case HANDED_OVER -> {
					rewind.put(partition, offset + 1);
					promptly.add(partition);
					if (!this.forwarder.isTransactional()) {
						handled.merge(partition, offset + 1, Math::max);
					}
				}
				case ELSEWHERE -> promptly.add(partition);
				case LATER -> logger.error(() -> "Delay tier record " + KafkaUtils.format(forward.record())
						+ " could not be handed to " + forward.topic() + "; trying again in "
						+ FORWARD_RETRY_INTERVAL);
			}
		}
		// Nothing at or after a record that was not handed over may be committed.
		rewind.forEach((partition, offset) -> handled.computeIfPresent(partition, (key, next) -> Math.min(next, offset)));
		commit(handled, consumer);
		rewound.addAll(rewind.keySet());
		rewind.forEach((partition, offset) -> {
			consumer.seek(partition, offset);
			if (!promptly.contains(partition)) {
				pause(partition, FORWARD_RETRY_INTERVAL);
			}
		});
	}

	/**
	 * Learn why a forward failed. When the broker says its topic can be written to, the record is sent alone,
	 * committed with it when transactions are on, to see the producer's own error.
	 */
	private Attempt tryAlone(Forward forward, Consumer<?, ?> consumer) {
		HandOffRoutes.Diagnosis diagnosis = this.routes.diagnose(forward);
		if (diagnosis != HandOffRoutes.Diagnosis.TRY_ALONE) {
			return (diagnosis == HandOffRoutes.Diagnosis.ELSEWHERE) ? Attempt.ELSEWHERE : Attempt.LATER;
		}
		ConsumerRecord<?, ?> record = forward.record();
		try {
			if (this.forwarder.isTransactional()) {
				this.forwarder.forwardAllAndCommit(List.of(forward),
						offsets(Map.of(partition(forward), record.offset() + 1)), consumer.groupMetadata());
			}
			else {
				this.forwarder.forward(record, forward.topic(), forward.headers());
			}
			this.routes.handedOver(partition(forward), record.offset() + 1);
			handedOff(forward);
			return Attempt.HANDED_OVER;
		}
		catch (ForwardingFailedException ex) {
			this.events.handOffFailed(forward.record().topic());
			return this.routes.failedForGood(forward, ex) ? Attempt.ELSEWHERE : Attempt.LATER;
		}
	}

	private void handedOff(Forward forward) {
		this.events.handedOff(forward.record().topic(), dueTime(forward.record()));
	}

	private void commit(Map<TopicPartition, Long> handled, Consumer<?, ?> consumer) {
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
		handled.clear();
	}

	private void pause(TopicPartition partition, Duration wait) {
		MessageListenerContainer target = this.container;
		if (target == null) {
			throw new IllegalStateException("The scheduler's listener was not given its container");
		}
		this.partitionBackOff.pause(target, partition, wait);
	}

	private enum Attempt { HANDED_OVER, ELSEWHERE, LATER }

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

	private static TopicPartition partition(Forward forward) {
		return new TopicPartition(forward.record().topic(), forward.record().partition());
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
