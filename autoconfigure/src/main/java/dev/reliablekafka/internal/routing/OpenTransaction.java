package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * With transactions on, the {@link PollTransaction} a gated consumer has open, if any: begun by the first forward
 * after a commit, committed by the next commit with the offsets, aborted as soon as a forward in it failed, and
 * abandoned when partitions are given up or the consumer closes. One place owns it, so that no forward joins a
 * transaction that is committing or gone. Used on the consumer's thread only.
 */
final class OpenTransaction {

	private final ForwardsInFlight forwards;

	private @Nullable PollTransaction transaction;

	// A transaction is committing: it stays this consumer's until every forward in it is resolved.
	private boolean committing;

	OpenTransaction(ForwardsInFlight forwards) {
		this.forwards = forwards;
	}

	/**
	 * Return the open transaction.
	 * @return the transaction, or {@code null} if none is open
	 */
	@Nullable PollTransaction current() {
		return this.transaction;
	}

	/**
	 * Send a forward in this consumer's transaction, beginning one if none is open: the forwards between two
	 * commits share one transaction, which the next commit commits with the offsets.
	 * @return completes when the broker acknowledged the record
	 * @throws RuntimeException if no transaction could begin, or the send failed at once
	 */
	CompletableFuture<?> sendInTransaction(RecordForwarder forwarder, ConsumerRecord<?, ?> record, String topic,
			Headers headers) {
		if (this.committing) {
			throw new IllegalStateException("No forward may join a transaction while it commits");
		}
		if (this.transaction == null) {
			this.transaction = new PollTransaction(forwarder);
		}
		try {
			return this.transaction.send(record, topic, headers);
		}
		catch (RuntimeException ex) {
			abortTransaction(ex);
			throw ex;
		}
	}

	/**
	 * Commit the open transaction with the offsets the gate allowed; it is closed afterwards, whatever the outcome.
	 * @param open the open transaction
	 * @return the offsets still to commit without a transaction (see {@link PollTransaction#commit})
	 */
	Map<TopicPartition, OffsetAndMetadata> commit(PollTransaction open, Map<TopicPartition, OffsetAndMetadata> allowed,
			Consumer<?, ?> delegate, Duration forwardTimeout) {
		this.committing = true;
		try {
			return open.commit(allowed, this.forwards, delegate.groupMetadata(), forwardTimeout);
		}
		finally {
			this.committing = false;
			this.transaction = null;
		}
	}

	void abortTransaction(RuntimeException cause) {
		PollTransaction open = this.transaction;
		if (open != null) {
			this.transaction = null;
			open.abort(this.forwards, cause);
		}
	}

	// Partitions given up, or the consumer closing, before the open transaction was committed.
	void abandonTransaction(Collection<TopicPartition> givenUp, boolean rewind) {
		PollTransaction open = this.transaction;
		if (open != null) {
			this.transaction = null;
			open.abandon(this.forwards, givenUp, rewind);
		}
	}

}
