package dev.reliablekafka.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * One redrive of a group's dead-letter topic: reads each partition from what the group's redrive memory
 * ({@link RedriveMemory}) has not handled yet up to the end it had when the run started (records dead-lettered
 * again meanwhile wait for the next run), writes the matching records to the target, and commits the memory
 * only once the broker has acknowledged what it covers. A crash therefore re-sends at most the records sent since
 * the last commit: a batch of at most {@value #BATCH} records or one second of sending.
 */
final class RedriveRun {

	static final int BATCH = 100;

	private static final LogAccessor logger = new LogAccessor(RedriveRun.class);

	private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final Duration POLL = Duration.ofMillis(200);

	private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final long COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Consumer<byte[], byte[]> consumer;

	private final @Nullable RedriveSends sends;

	private final RedriveRequest request;

	private final RedriveTriage triage;

	private final @Nullable RetryTopicTarget retryTopic;

	private final Pacer pacer;

	private final HeldPartitions held;

	// Highest offset counted per partition, so that a partition read again after a rebalance is not counted twice.
	private final Map<TopicPartition, Long> counted = new HashMap<>();

	private final List<RedriveResult.Entry> entries = new ArrayList<>();

	private int moved;

	private int refused;

	private long skipped;

	private long alreadyRedriven;

	private @Nullable String stoppedBecause;

	private long started;

	private long lastCommit;

	private long lastProgress;

	private String source = "";

	/**
	 * Create a run.
	 * @param consumer a consumer of the redrive group, which is used only to assign, read and commit
	 * @param producer a producer with {@code acks=all}, or {@code null} for a dry run
	 * @param request what to move
	 * @param retryTopic the group's retry topic, or {@code null} unless the target is {@link RedriveTarget#RETRY}
	 * @param maxRedrives redrives a record may have had before it is refused
	 * @param rate records per second at most
	 * @param sendTimeout how long to wait for the broker's acknowledgement of a batch
	 */
	RedriveRun(Consumer<byte[], byte[]> consumer, @Nullable Producer<byte[], byte[]> producer, RedriveRequest request,
			@Nullable RetryTopicTarget retryTopic, int maxRedrives, double rate, Duration sendTimeout) {
		this.consumer = consumer;
		this.held = new HeldPartitions(consumer);
		this.sends = (producer != null) ? new RedriveSends(producer, sendTimeout) : null;
		this.request = request;
		this.triage = new RedriveTriage(request, maxRedrives, retryTopic);
		this.retryTopic = retryTopic;
		this.pacer = new Pacer(rate);
	}

	RedriveResult run(String group, String source) {
		this.source = source;
		this.started = System.nanoTime();
		this.lastCommit = this.started;
		this.lastProgress = this.started;
		List<TopicPartition> partitions = Partitions.of(this.consumer, source);
		if (!partitions.isEmpty()) {
			move(source, partitions);
		}
		String target = (this.retryTopic != null) ? this.retryTopic.topic() : "original";
		return new RedriveResult(group, source, target, this.request.dryRun(), this.moved, this.refused, this.skipped,
				this.alreadyRedriven, List.copyOf(this.entries), this.stoppedBecause,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.started));
	}

	/**
	 * A dry run assigns every partition, joining no group, so that it never disturbs a real redrive. A real one
	 * subscribes as a member of the redrive group: a second redrive of the group started meanwhile, on this
	 * instance or another, joins the group, and each partition is then read by one of them at a time, from what
	 * the other committed when it gave the partition up. Each run ends when the partitions it holds are read to
	 * their end; one it gives up is finished by the other.
	 */
	private void move(String source, List<TopicPartition> partitions) {
		if (this.sends == null) {
			this.consumer.assign(partitions);
			this.held.assigned(partitions);
		}
		else {
			this.consumer.subscribe(List.of(source), new Rebalance());
		}
		long progress = System.nanoTime();
		try {
			while (this.stoppedBecause == null && !this.held.done()) {
				ConsumerRecords<byte[], byte[]> records = this.consumer.poll(POLL);
				for (ConsumerRecord<byte[], byte[]> record : records) {
					if (this.stoppedBecause != null || !this.held.read(record)) {
						continue;
					}
					handle(new TopicPartition(record.topic(), record.partition()), record);
					progress = System.nanoTime();
					if ((this.sends != null && this.sends.size() >= BATCH)
							|| System.nanoTime() - this.lastCommit >= COMMIT_INTERVAL_NANOS) {
						commit();
					}
				}
				if (this.stoppedBecause == null) {
					this.held.finishReadOnes();
				}
				long idle = System.nanoTime() - Math.max(progress, this.held.lastAssignment());
				if (!this.held.done() && idle > STALL_NANOS) {
					this.stoppedBecause = "the dead-letter topic could not be read for 30s";
				}
			}
		}
		finally {
			commit();
			if (this.sends != null) {
				// Leave the group now, while the producer is open: the revocation commits nothing more.
				this.held.clear();
				this.consumer.unsubscribe();
			}
		}
	}

	private void handle(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
		RedriveMemory memory = this.held.memory(partition);
		if (memory == null) {
			return;
		}
		boolean counts = record.offset() > this.counted.getOrDefault(partition, -1L);
		this.counted.merge(partition, record.offset(), Math::max);
		if (memory.handled(record.offset())) {
			this.alreadyRedriven += counts ? 1 : 0;
			return;
		}
		RedriveTriage.Verdict verdict = this.triage.of(record);
		String messageId = HeaderValues.text(record.headers(), ReliableHeaders.MESSAGE_ID);
		String detail = String.valueOf(verdict.detail());
		switch (verdict.outcome()) {
			case SKIP -> this.skipped += counts ? 1 : 0;
			case REFUSE -> refuse(record, messageId, detail);
			case REFUSE_FOR_GOOD -> {
				// It would be refused every time, so it is remembered like a moved record.
				refuse(record, messageId, detail);
				memory.mark(record.offset());
			}
			case MOVE -> move(partition, record, messageId, detail, memory);
		}
	}

	private void refuse(ConsumerRecord<byte[], byte[]> record, @Nullable String messageId, String reason) {
		this.refused++;
		entry(record, messageId, "refused", reason);
	}

	private void move(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, @Nullable String messageId,
			String target, RedriveMemory memory) {
		Integer maxCount = this.request.maxCount();
		if (maxCount != null && this.moved >= maxCount) {
			this.stoppedBecause = "maxCount " + maxCount + " reached";
			return;
		}
		if (this.sends != null && memory.full(this.sends.size())) {
			commit();
		}
		if (memory.full(0)) {
			this.stoppedBecause = "partition " + partition.partition() + " has too many records left out by filters "
					+ "below this one to remember more moves; redrive those first, or without filters";
			return;
		}
		if (!this.pacer.await()) {
			this.stoppedBecause = "interrupted";
			return;
		}
		this.moved++;
		if (this.sends == null) {
			entry(record, messageId, "would move", target);
			return;
		}
		try {
			this.sends.send(partition, record, messageId, target);
		}
		catch (RuntimeException ex) {
			this.moved--;
			this.stoppedBecause = "sending to " + target + " failed: " + ex;
		}
	}

	// Remembers only what the broker acknowledged; a failed send stops the run and stays unhandled.
	private void commit() {
		if (this.sends == null) {
			return;
		}
		for (RedriveSends.Sent send : this.sends.await()) {
			if (send.failure() == null) {
				RedriveMemory memory = this.held.memory(send.partition());
				if (memory != null) {
					memory.mark(send.record().offset());
				}
				entry(send.record(), send.messageId(), "moved", send.target());
			}
			else {
				String failure = "sending to " + send.target() + " failed: " + send.failure();
				this.moved--;
				entry(send.record(), send.messageId(), "failed", failure);
				this.stoppedBecause = (this.stoppedBecause != null) ? this.stoppedBecause : failure;
			}
		}
		Map<TopicPartition, OffsetAndMetadata> offsets = this.held.toCommit();
		if (offsets.isEmpty()) {
			return;
		}
		try {
			this.consumer.commitSync(offsets);
		}
		catch (RebalanceInProgressException ex) {
			// The partitions are still held: the revocation at the next poll commits what is marked.
		}
		catch (RuntimeException ex) {
			if (this.stoppedBecause == null) {
				this.stoppedBecause = "remembering what was moved failed, so a redrive may move the last "
						+ "batch again: " + ex;
			}
		}
		this.lastCommit = System.nanoTime();
		if (this.lastCommit - this.lastProgress >= PROGRESS_INTERVAL_NANOS) {
			this.lastProgress = this.lastCommit;
			logger.info(() -> "Redrive of " + this.source + " in progress: moved " + this.moved + ", refused "
					+ this.refused + ", skipped " + this.skipped + " so far");
		}
	}

	private void entry(ConsumerRecord<?, ?> record, @Nullable String messageId, String outcome, String detail) {
		if (this.entries.size() < RedriveResult.MAX_LISTED) {
			this.entries.add(new RedriveResult.Entry(record.partition(), record.offset(), messageId, outcome, detail));
		}
	}

	/**
	 * Hands partitions over between redrives of one group: what was moved is committed before a partition is given
	 * up, and a partition taken over is read from what was committed.
	 */
	private final class Rebalance implements ConsumerRebalanceListener {

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			logger.debug(() -> "Redrive of " + RedriveRun.this.source + " gives up " + partitions);
			commit();
			RedriveRun.this.held.released(partitions);
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			logger.debug(() -> "Redrive of " + RedriveRun.this.source + " takes over " + partitions);
			RedriveRun.this.held.assigned(partitions);
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			// Another member may hold them already, so nothing can be committed: what was sent since the last
			// commit may be sent again by it.
			RedriveRun.this.held.released(partitions);
		}

	}

}
