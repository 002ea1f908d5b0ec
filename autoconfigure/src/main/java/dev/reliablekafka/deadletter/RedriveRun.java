package dev.reliablekafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.routing.FailureHeaders;
import dev.reliablekafka.routing.ReliableHeaders;

/**
 * One redrive of a group's dead-letter topic: reads each partition from what the group's redrive memory
 * ({@link RedriveMemory}) has not handled yet up to the end it had when the run started (records dead-lettered
 * again meanwhile wait for the next run), writes the matching records to the target, and commits the memory
 * only once the broker has acknowledged what it covers. A crash therefore re-sends at most the records sent since
 * the last commit: a batch of at most {@value #BATCH} records or one second of sending.
 */
final class RedriveRun {

	static final int BATCH = 100;

	private static final Duration POLL = Duration.ofMillis(200);

	private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final long COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Consumer<byte[], byte[]> consumer;

	private final @Nullable Producer<byte[], byte[]> producer;

	private final RedriveRequest request;

	private final RecordFilter filter;

	private final @Nullable RetryTopic retryTopic;

	private final int maxRedrives;

	private final double rate;

	private final Duration sendTimeout;

	private final Map<TopicPartition, RedriveMemory> memories = new HashMap<>();

	private final Map<TopicPartition, Long> lastSeen = new HashMap<>();

	private final Map<TopicPartition, Long> end = new HashMap<>();

	private final Set<TopicPartition> reading = new HashSet<>();

	// Highest offset counted per partition, so that a partition read again after a rebalance is not counted twice.
	private final Map<TopicPartition, Long> counted = new HashMap<>();

	private boolean joined;

	private long lastAssignment;

	private final List<Pending> pending = new ArrayList<>();

	private final List<RedriveResult.Entry> entries = new ArrayList<>();

	private int moved;

	private int refused;

	private long skipped;

	private long alreadyRedriven;

	private @Nullable String stoppedBecause;

	private long started;

	private long lastCommit;

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
			@Nullable RetryTopic retryTopic, int maxRedrives, double rate, Duration sendTimeout) {
		this.consumer = consumer;
		this.producer = producer;
		this.request = request;
		this.filter = new RecordFilter(request.from(), request.to(), request.exception(), request.messageIds());
		this.retryTopic = retryTopic;
		this.maxRedrives = maxRedrives;
		this.rate = rate;
		this.sendTimeout = sendTimeout;
	}

	RedriveResult run(String group, String source) {
		this.started = System.nanoTime();
		this.lastCommit = this.started;
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
		if (this.producer == null) {
			this.consumer.assign(partitions);
			assigned(partitions);
		}
		else {
			this.consumer.subscribe(List.of(source), new Rebalance());
		}
		long progress = System.nanoTime();
		try {
			while (this.stoppedBecause == null && !(this.joined && this.reading.isEmpty())) {
				ConsumerRecords<byte[], byte[]> records = this.consumer.poll(POLL);
				for (TopicPartition partition : records.partitions()) {
					for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
						if (!this.reading.contains(partition) || record.offset() >= this.end.get(partition)
								|| this.stoppedBecause != null) {
							break;
						}
						markGaps(partition, record.offset());
						this.lastSeen.put(partition, record.offset());
						handle(partition, record);
						progress = System.nanoTime();
						if (this.pending.size() >= BATCH
								|| System.nanoTime() - this.lastCommit >= COMMIT_INTERVAL_NANOS) {
							commit();
						}
					}
				}
				for (TopicPartition partition : List.copyOf(this.reading)) {
					if (this.stoppedBecause == null && this.consumer.position(partition) >= this.end.get(partition)) {
						markGaps(partition, this.end.get(partition));
						this.reading.remove(partition);
						this.consumer.pause(List.of(partition));
					}
				}
				if (this.joined && this.reading.isEmpty()) {
					break;
				}
				if (System.nanoTime() - Math.max(progress, this.lastAssignment) > STALL_NANOS) {
					this.stoppedBecause = "the dead-letter topic could not be read for 30s";
				}
			}
		}
		finally {
			commit();
			if (this.producer != null) {
				// Leave the group now, while the producer is open: the revocation commits nothing more.
				this.memories.clear();
				this.consumer.unsubscribe();
			}
		}
	}

	private void assigned(Collection<TopicPartition> partitions) {
		this.joined = true;
		this.lastAssignment = System.nanoTime();
		if (partitions.isEmpty()) {
			return;
		}
		Map<TopicPartition, Long> begin = this.consumer.beginningOffsets(partitions);
		List<TopicPartition> unknownEnd = partitions.stream().filter(partition -> !this.end.containsKey(partition)).toList();
		if (!unknownEnd.isEmpty()) {
			// Read up to where each partition ended when this run first held it.
			this.end.putAll(this.consumer.endOffsets(unknownEnd));
		}
		Map<TopicPartition, OffsetAndMetadata> committed = this.consumer.committed(Set.copyOf(partitions));
		for (TopicPartition partition : partitions) {
			RedriveMemory memory = RedriveMemory.of(committed.get(partition), begin.get(partition));
			this.memories.put(partition, memory);
			this.lastSeen.put(partition, memory.position() - 1);
			if (memory.position() < this.end.get(partition)) {
				this.consumer.seek(partition, memory.position());
				this.reading.add(partition);
			}
			else {
				this.consumer.pause(List.of(partition));
			}
		}
	}

	private void released(Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			this.memories.remove(partition);
			this.lastSeen.remove(partition);
			this.reading.remove(partition);
		}
	}

	// Offsets a read_committed consumer skipped hold nothing to redrive (transaction markers, aborted records).
	private void markGaps(TopicPartition partition, long next) {
		this.memories.get(partition).markRange(this.lastSeen.get(partition) + 1, next - 1);
	}

	private void handle(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
		RedriveMemory memory = this.memories.get(partition);
		boolean counts = record.offset() > this.counted.getOrDefault(partition, -1L);
		this.counted.merge(partition, record.offset(), Math::max);
		if (memory.handled(record.offset())) {
			this.alreadyRedriven += counts ? 1 : 0;
			return;
		}
		if (!this.filter.matches(record)) {
			this.skipped += counts ? 1 : 0;
			return;
		}
		String messageId = FailureHeaders.text(record.headers(), ReliableHeaders.MESSAGE_ID);
		int redriveCount = RedriveCount.of(record);
		if (redriveCount >= this.maxRedrives) {
			// Refused for good: it would be refused every time, so it is remembered like a moved record.
			this.refused++;
			entry(record, messageId, "refused", "redriven " + redriveCount + " times already (max-redrives "
					+ this.maxRedrives + ")");
			memory.mark(record.offset());
			return;
		}
		String originalTopic = FailureHeaders.text(record.headers(), ReliableHeaders.ORIGINAL_TOPIC);
		if (this.retryTopic != null && !this.retryTopic.takes(originalTopic)) {
			this.refused++;
			entry(record, messageId, "refused", "dead-lettered by another listener of the group than the one "
					+ "consuming " + this.retryTopic.topic() + "; redrive it with target ORIGINAL");
			return;
		}
		String target = (this.retryTopic != null) ? this.retryTopic.topic() : originalTopic;
		if (target == null) {
			this.refused++;
			entry(record, messageId, "refused", "no " + ReliableHeaders.ORIGINAL_TOPIC + " header");
			return;
		}
		Integer maxCount = this.request.maxCount();
		if (maxCount != null && this.moved >= maxCount) {
			this.stoppedBecause = "maxCount " + maxCount + " reached";
			return;
		}
		if (memory.full()) {
			this.stoppedBecause = "partition " + partition.partition() + " has too many records left out by filters "
					+ "below this one to remember more moves; redrive those first, or without filters";
			return;
		}
		pace();
		if (this.stoppedBecause != null) {
			return;
		}
		this.moved++;
		if (this.producer == null) {
			entry(record, messageId, "would move", target);
			return;
		}
		try {
			Future<RecordMetadata> sent = this.producer.send(new ProducerRecord<>(target, null, null, record.key(),
					record.value(), redriven(record.headers(), redriveCount)));
			this.pending.add(new Pending(partition, record, messageId, target, sent));
		}
		catch (RuntimeException ex) {
			this.moved--;
			this.stoppedBecause = "sending to " + target + " failed: " + ex;
		}
	}

	// Key, value and headers as they are, with the redrive count replaced by one more.
	private static Headers redriven(Headers headers, int redriveCount) {
		RecordHeaders copy = new RecordHeaders();
		for (Header header : headers) {
			if (!header.key().equals(ReliableHeaders.REDRIVE_COUNT)) {
				copy.add(header);
			}
		}
		copy.add(ReliableHeaders.REDRIVE_COUNT, Integer.toString(redriveCount + 1).getBytes(StandardCharsets.UTF_8));
		return copy;
	}

	private void pace() {
		long due = this.started + (long) (this.moved * TimeUnit.SECONDS.toNanos(1) / this.rate);
		long wait = due - System.nanoTime();
		if (wait > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.stoppedBecause = "interrupted";
			}
		}
	}

	// Remembers only what the broker acknowledged; a failed send stops the run and stays unhandled.
	private void commit() {
		if (this.producer == null) {
			return;
		}
		this.producer.flush();
		for (Pending send : this.pending) {
			try {
				send.sent().get(this.sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
				RedriveMemory memory = this.memories.get(send.partition());
				if (memory != null) {
					memory.mark(send.record().offset());
				}
				entry(send.record(), send.messageId(), "moved", send.target());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failed(send, ex);
			}
			catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
				failed(send, (ex.getCause() != null) ? ex.getCause() : ex);
			}
		}
		this.pending.clear();
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		this.memories.forEach((partition, memory) -> offsets.put(partition, memory.toCommit()));
		if (offsets.isEmpty()) {
			return;
		}
		try {
			this.consumer.commitSync(offsets);
		}
		catch (RuntimeException ex) {
			if (this.stoppedBecause == null) {
				this.stoppedBecause = "remembering what was moved failed, so a redrive may move the last "
						+ "batch again: " + ex;
			}
		}
		this.lastCommit = System.nanoTime();
	}

	private void failed(Pending send, Throwable ex) {
		this.moved--;
		entry(send.record(), send.messageId(), "failed", "sending to " + send.target() + " failed: " + ex);
		if (this.stoppedBecause == null) {
			this.stoppedBecause = "sending to " + send.target() + " failed: " + ex;
		}
	}

	private void entry(ConsumerRecord<?, ?> record, @Nullable String messageId, String outcome, String detail) {
		if (this.entries.size() < RedriveResult.MAX_LISTED) {
			this.entries.add(new RedriveResult.Entry(record.partition(), record.offset(), messageId, outcome, detail));
		}
	}

	private record Pending(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, @Nullable String messageId,
			String target, Future<RecordMetadata> sent) {
	}

	/**
	 * The group's retry topic as a target.
	 *
	 * @param topic the retry topic
	 * @param sources the source topics of the listener that consumes it, when the group has other listeners whose
	 * records must not reach its method; {@code null} when it is the group's only listener
	 */
	record RetryTopic(String topic, @Nullable Set<String> sources) {

		boolean takes(@Nullable String originalTopic) {
			return this.sources == null || this.sources.contains(originalTopic);
		}

	}

	/**
	 * Hands partitions over between redrives of one group: what was moved is committed before a partition is given
	 * up, and a partition taken over is read from what was committed.
	 */
	private final class Rebalance implements ConsumerRebalanceListener {

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			commit();
			released(partitions);
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			assigned(partitions);
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			// Another member may hold them already, so nothing can be committed: what was sent since the last
			// commit may be sent again by it.
			released(partitions);
		}

	}

}
