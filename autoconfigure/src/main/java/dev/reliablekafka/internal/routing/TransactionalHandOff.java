package dev.reliablekafka.internal.routing;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * One Kafka transaction that sends records and commits consumed offsets with them, owned here rather than by
 * {@code KafkaTemplate.executeInTransaction} because a commit that timed out is not a failed commit: the broker may
 * have taken it and only its answer was lost. Kafka's contract for {@code commitTransaction()} is to call it again,
 * which resumes the pending commit; aborting or sending the records again in a new transaction could commit them
 * twice. So a timed-out commit is retried for up to the forward timeout; if it is still unresolved, the
 * producer is closed without an abort and the outcome is read from the broker: the offsets are part of the
 * transaction, so the group's stable committed offsets say whether it committed (see {@link TransactionOutcome}).
 */
final class TransactionalHandOff {

	private static final LogAccessor logger = new LogAccessor(TransactionalHandOff.class);

	private final ProducerFactory<byte[], byte[]> producerFactory;

	private final Duration timeout;

	private final TransactionOutcome outcome;

	/** Tells this run's transactions apart from every other commit of a group's offsets (see {@link #marked}). */
	private static final String RUN = Long.toHexString(new SecureRandom().nextLong());

	private static final AtomicLong transactions = new AtomicLong();

	TransactionalHandOff(ProducerFactory<byte[], byte[]> producerFactory, Duration timeout) {
		this.producerFactory = producerFactory;
		this.timeout = timeout;
		this.outcome = new TransactionOutcome(producerFactory.getConfigurationProperties(), timeout);
	}

	/**
	 * Begin a transaction on a producer of the factory, for records sent one by one and committed with
	 * {@link #commit} or given up with {@link #abort}.
	 * @return the producer, in a transaction
	 * @throws ForwardingFailedException if the transaction could not begin
	 */
	Producer<byte[], byte[]> begin() {
		Producer<byte[], byte[]> producer = this.producerFactory.createProducer();
		try {
			producer.beginTransaction();
			return producer;
		}
		catch (RuntimeException ex) {
			close(producer);
			throw new ForwardingFailedException("Could not begin a transaction: " + ex, ex);
		}
	}

	/**
	 * Commit the offsets in the producer's transaction, after every record sent in it was acknowledged, and close
	 * the producer.
	 * @param records how many records were sent in the transaction
	 * @throws ForwardingFailedException if the transaction did not commit; none of it took effect then
	 */
	void commit(Producer<byte[], byte[]> producer, int records, Map<TopicPartition, OffsetAndMetadata> offsets,
			ConsumerGroupMetadata group) {
		if (offsets.isEmpty()) {
			abort(producer, new IllegalArgumentException("A transactional hand-off needs the offsets it commits"));
			throw new IllegalArgumentException("A transactional hand-off needs the offsets it commits");
		}
		Map<TopicPartition, OffsetAndMetadata> marked = marked(offsets);
		try {
			producer.sendOffsetsToTransaction(marked, group);
		}
		catch (RuntimeException ex) {
			abort(producer, ex);
			throw new ForwardingFailedException("A forward failed: " + ex, ex);
		}
		@Nullable RuntimeException unresolved;
		try {
			unresolved = commit(producer);
		}
		finally {
			// A producer whose commit failed or timed out is not reused: its factory closes it.
			close(producer);
		}
		if (unresolved == null) {
			return;
		}
		logger.warn(unresolved, () -> "The commit of a transaction of " + records + " records and offsets "
				+ offsets + " is unresolved; its producer is closed and the outcome is read from the group's "
				+ "committed offsets");
		boolean committed;
		// An interrupt waits until the outcome is known: the caller must not act on a guess.
		boolean interrupted = (unresolved instanceof InterruptException) && Thread.interrupted();
		try {
			committed = this.outcome.committed(group.groupId(), marked);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
		if (!committed) {
			throw new ForwardingFailedException("The transaction of " + records + " records and offsets "
					+ offsets + " was aborted after its commit timed out: " + unresolved, unresolved);
		}
		logger.info(() -> "The transaction of " + records + " records and offsets " + offsets
				+ " was committed although its commit timed out");
	}

	/**
	 * Mark the offsets of one transaction with metadata no other commit carries, so that the outcome of an
	 * unanswered commit is read from the group's offsets only when they are exactly this transaction's: an offset
	 * the group had already committed as far, before a replay, would otherwise pass for it.
	 */
	private static Map<TopicPartition, OffsetAndMetadata> marked(Map<TopicPartition, OffsetAndMetadata> offsets) {
		String marker = TransactionOutcome.MARKER_PREFIX + RUN + "-" + transactions.incrementAndGet();
		Map<TopicPartition, OffsetAndMetadata> marked = new HashMap<>();
		offsets.forEach((partition, offset) -> marked.put(partition,
				new OffsetAndMetadata(offset.offset(), offset.leaderEpoch(), marker)));
		return marked;
	}

	/**
	 * Give a producer's transaction up and close the producer.
	 * @param cause why, to which a failure to abort is added
	 */
	void abort(Producer<byte[], byte[]> producer, RuntimeException cause) {
		try {
			producer.abortTransaction();
		}
		catch (RuntimeException ex) {
			cause.addSuppressed(ex);
		}
		close(producer);
	}

	/**
	 * Commit, retrying a commit that timed out, as Kafka's contract says, for up to the forward timeout after the
	 * first time-out (with {@code max.block.ms} of the forward timeout, one more attempt); see
	 * {@link CommitRetryPolicy}.
	 * @return {@code null} when committed, or the last exception when a commit timed out and the outcome is
	 * unknown
	 * @throws ForwardingFailedException when the commit failed without having timed out: it never took effect
	 */
	private @Nullable RuntimeException commit(Producer<byte[], byte[]> producer) {
		CommitRetryPolicy policy = new CommitRetryPolicy(this.timeout);
		try {
			new RetryTemplate(policy).execute(() -> {
				producer.commitTransaction();
				return null;
			});
			return null;
		}
		catch (RetryException retries) {
			return unresolved(retries.getLastException(), policy);
		}
	}

	/**
	 * Tell what the last failure of a commit means once it is not retried any more.
	 */
	private static RuntimeException unresolved(Throwable last, CommitRetryPolicy policy) {
		if (last instanceof Error error) {
			throw error;
		}
		if (last instanceof TimeoutException timedOut) {
			if (!policy.retryDue()) {
				return timedOut; // still timing out at the deadline
			}
			// Not retried although due: the wait before the next try was interrupted.
			InterruptException interrupted = new InterruptException("Interrupted while waiting to retry a commit "
					+ "that timed out");
			interrupted.addSuppressed(timedOut);
			return interrupted;
		}
		if (last instanceof InterruptException interrupted) {
			return interrupted; // retrying would fail at once; the outcome is read from the broker instead
		}
		RuntimeException ex = (last instanceof RuntimeException runtime) ? runtime
				: new KafkaException("The commit failed", last);
		TimeoutException timedOut = policy.timedOut();
		if (timedOut != null) {
			// An earlier attempt may have reached the broker: this error does not tell what became of it.
			ex.addSuppressed(timedOut);
			return ex;
		}
		// Not taken by the broker; the producer is in error and is closed rather than aborted, as KafkaTemplate
		// does: the broker aborts the transaction.
		throw new ForwardingFailedException("The commit failed: " + ex, ex);
	}

	private static void close(Producer<byte[], byte[]> producer) {
		try {
			// A healthy producer goes back to the factory's cache; a failed one is closed at once.
			producer.close(Duration.ZERO);
		}
		catch (RuntimeException ex) {
			logger.debug(ex, "Could not close a transactional producer");
		}
	}

}
