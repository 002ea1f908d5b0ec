package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.LoggingCommitCallback;

/**
 * The commits of a gated consumer, as {@link ForwardGate} describes them: each requested commit is capped below a
 * forward in flight (after waiting briefly for it), a failed one (its partition rewound), a rewound record and the
 * record in process; what a forward in flight held back is committed after a later poll, and with transactions on,
 * the offsets are committed with the consumer's poll transaction. Kept apart from the gate, which only dispatches
 * the consumer's calls. It logs under the commit gate's category ({@code ForwardGate}). Used on the consumer's
 * thread only.
 */
final class GatedCommits {

	private static final LogAccessor logger = new LogAccessor(ForwardGate.class);

	private static final OffsetCommitCallback LOGGING_CALLBACK = new LoggingCommitCallback();

	private final Consumer<?, ?> delegate;

	private final Duration forwardTimeout;

	private final Duration commitWait;

	private final ForwardsInFlight forwards;

	private final OpenTransaction transaction;

	private final RecordInProcess inProcess;

	private final HeldCommits held = new HeldCommits();

	private boolean revoking;

	// What the last commit committed with the transaction, for its callback.
	private Map<TopicPartition, OffsetAndMetadata> committedInTransaction = Map.of();

	GatedCommits(Consumer<?, ?> delegate, Duration forwardTimeout, Duration commitWait, ForwardsInFlight forwards,
			OpenTransaction transaction, RecordInProcess inProcess) {
		this.delegate = delegate;
		this.forwardTimeout = forwardTimeout;
		this.commitWait = commitWait;
		this.forwards = forwards;
		this.transaction = transaction;
		this.inProcess = inProcess;
	}

	// Every variant of commitSync and commitAsync: the offsets (else the positions), then a timeout or callback.
	@SuppressWarnings("unchecked")
	void commit(boolean sync, Object[] args) {
		Object last = (args.length > 0) ? args[args.length - 1] : null;
		OffsetCommitCallback callback = (!sync && last instanceof OffsetCommitCallback given) ? given : null;
		this.committedInTransaction = Map.of();
		Map<TopicPartition, OffsetAndMetadata> offsets = gate(
				(args.length > 0 && args[0] instanceof Map<?, ?> map) ? (Map<TopicPartition, OffsetAndMetadata>) map
						: positions(), callback);
		if (offsets.isEmpty()) {
			if (callback != null) {
				// Committed with a transaction, or nothing left to commit now: the caller hears of it all the same.
				callback.onComplete(this.committedInTransaction, null);
			}
			return;
		}
		if (!sync) {
			this.delegate.commitAsync(offsets, (callback != null) ? callback : LOGGING_CALLBACK);
		}
		else {
			commitSync(offsets, (last instanceof Duration timeout) ? timeout : null);
		}
	}

	/**
	 * Commit offsets the gate allowed. A commit refused because the group is rebalancing is held here, as it was
	 * allowed, not left to the caller: the container would commit its own, uncapped offsets again after the next
	 * poll, when a partition rewound since may no longer be held.
	 */
	private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, @Nullable Duration timeout) {
		try {
			if (timeout != null) {
				this.delegate.commitSync(offsets, timeout);
			}
			else {
				this.delegate.commitSync(offsets);
			}
		}
		catch (RebalanceInProgressException ex) {
			logger.debug(ex, () -> "Holding " + offsets + " until the group has rebalanced");
			offsets.forEach(this.held::refused);
		}
	}

	private Map<TopicPartition, OffsetAndMetadata> positions() {
		Map<TopicPartition, OffsetAndMetadata> positions = new LinkedHashMap<>();
		this.delegate.assignment().forEach(tp -> positions.put(tp, new OffsetAndMetadata(this.delegate.position(tp))));
		return positions;
	}

	/**
	 * Return the offsets that may be committed of those requested, after waiting for the forwards they cover.
	 */
	private Map<TopicPartition, OffsetAndMetadata> gate(Map<TopicPartition, OffsetAndMetadata> requested,
			@Nullable OffsetCommitCallback callback) {
		long deadline = System.nanoTime() + (this.revoking ? this.forwardTimeout : this.commitWait).toNanos();
		Map<TopicPartition, OffsetAndMetadata> allowed = new LinkedHashMap<>();
		PollTransaction open = this.transaction.current();
		requested.forEach((partition, offset) -> {
			this.held.forget(List.of(partition));
			// Within a transaction every forward is committed with it: only rewound records are held back here.
			long committable = (open != null) ? this.forwards.capped(partition, offset.offset())
					: this.forwards.settle(partition, offset.offset(), deadline);
			long inProcessCap = this.inProcess.inProcessCap(partition, offset.offset());
			if (inProcessCap < committable) {
				// Beyond a record in process: not held for later, as whatever it covers is delivered again.
				logger.debug(() -> "Committing " + partition + " up to " + inProcessCap + " only, not " + offset
						+ ": that record is being processed");
				allowed.put(partition, new OffsetAndMetadata(inProcessCap, offset.metadata()));
				return;
			}
			if (committable == offset.offset()) {
				allowed.put(partition, offset);
				return;
			}
			allowed.put(partition, new OffsetAndMetadata(committable, offset.metadata()));
			if (!this.forwards.isRewound(partition)) {
				this.held.hold(partition, offset, committable, callback);
			}
		});
		if (open == null || allowed.isEmpty()) {
			return allowed;
		}
		Map<TopicPartition, OffsetAndMetadata> left = this.transaction.commit(open, allowed, this.delegate,
				this.forwardTimeout);
		if (left.isEmpty()) {
			this.committedInTransaction = allowed;
		}
		return left;
	}

	/**
	 * Commit what held-back commits may commit now that forwards were resolved, without waiting.
	 */
	void commitAcknowledged() {
		if (!this.held.isEmpty()) {
			this.held.settle(this.forwards, LOGGING_CALLBACK).forEach((callback, offsets) ->
					this.delegate.commitAsync(offsets, callback));
		}
	}

	/**
	 * Commit the held-back commits of partitions about to be given up, waiting for their forwards.
	 */
	void commitHeld(Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> offsets = this.held.requested(partitions);
		if (offsets.isEmpty()) {
			return;
		}
		boolean wasRevoking = this.revoking;
		this.revoking = true;
		try {
			Map<TopicPartition, OffsetAndMetadata> allowed = gate(offsets, null);
			if (!allowed.isEmpty()) {
				this.delegate.commitSync(allowed, this.forwardTimeout);
			}
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not commit " + offsets + " after their forwards; their records may be "
					+ "delivered again");
		}
		finally {
			this.revoking = wasRevoking;
		}
	}

	/**
	 * Return the partitions with a commit held back.
	 */
	Collection<TopicPartition> heldPartitions() {
		return this.held.partitions();
	}

	void forget(Collection<TopicPartition> partitions) {
		this.held.forget(partitions);
	}

	void revoking(boolean revoking) {
		this.revoking = revoking;
	}

}
