package dev.reliablekafka.internal.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.LoggingCommitCallback;

/**
 * Stands between a reliable consumer and whoever commits its offsets (the container, the failure router, a
 * listener), so that no offset is committed past a forward the broker has not acknowledged. Failed records are
 * forwarded without waiting and {@linkplain #register registered} here; every commit first waits, briefly, for the
 * forwards of the records it covers:
 * <ul>
 * <li>all acknowledged: the offsets are committed as requested;</li>
 * <li>one still in flight: its partition is committed up to that record only, and the rest is committed by a
 * later commit or poll once the forward is acknowledged, so that a slow forward holds back one partition's
 * commit, not the consumer;</li>
 * <li>one failed: its partition is committed up to that record only and rewound to it, and stays there (a seek
 * further on is held back) until the record is delivered again. Records behind it are processed twice, never
 * lost.</li>
 * </ul>
 * With transactions on, the forwards between two commits share one {@link PollTransaction}, which the commit
 * commits with the offsets instead of the consumer. Commits on revocation and before closing wait for every
 * forward, up to the forward timeout. All of it runs on the consumer's thread, like the consumer itself.
 */
final class ForwardGate implements InvocationHandler {

	private static final LogAccessor logger = new LogAccessor(ForwardGate.class);

	private static final OffsetCommitCallback LOGGING_CALLBACK = new LoggingCommitCallback();

	private final Consumer<?, ?> delegate;

	private final Duration forwardTimeout;

	private final Duration commitWait;

	private final ForwardsInFlight forwards;

	private final HeldCommits held = new HeldCommits();

	private boolean revoking;

	private @Nullable PollTransaction transaction;

	// A transaction is committing: it stays this consumer's until every forward in it is resolved.
	private boolean committing;

	// What the last commit committed with the transaction, for its callback.
	private Map<TopicPartition, OffsetAndMetadata> committedInTransaction = Map.of();

	// The record the listener is processing, if any (RecordOutcomes): no commit of its partition passes it.
	private @Nullable TopicPartition inProcess;

	private long inProcessOffset;

	// While the listener runs, it may acknowledge the record itself; once it failed, not even that.
	private boolean inProcessFailed;

	private ForwardGate(Consumer<?, ?> delegate, Duration forwardTimeout, Duration commitWait) {
		this.delegate = delegate;
		this.forwardTimeout = forwardTimeout;
		this.commitWait = commitWait;
		this.forwards = new ForwardsInFlight(delegate);
	}

	/**
	 * Put a gate in front of a consumer.
	 * @param consumer the consumer
	 * @param forwardTimeout how long a forward may take before it counts as failed
	 * @param commitWait how long an ordinary commit waits for forwards in flight before it holds their partitions
	 * back
	 * @return the gated consumer
	 */
	@SuppressWarnings("unchecked")
	static <K, V> Consumer<K, V> wrap(Consumer<K, V> consumer, Duration forwardTimeout, Duration commitWait) {
		return (Consumer<K, V>) Proxy.newProxyInstance(ForwardGate.class.getClassLoader(),
				new Class<?>[] { Consumer.class }, new ForwardGate(consumer, forwardTimeout, commitWait));
	}

	/**
	 * Return the gate of a consumer.
	 * @param consumer a consumer
	 * @return its gate, or {@code null} if it has none
	 */
	static @Nullable ForwardGate of(Consumer<?, ?> consumer) {
		if (Proxy.isProxyClass(consumer.getClass())
				&& Proxy.getInvocationHandler(consumer) instanceof ForwardGate gate) {
			return gate;
		}
		return null;
	}

	/**
	 * Register a forward in flight; its record's offset is committed only once it is acknowledged.
	 * @param partition the partition of the forwarded record
	 * @param forward the forward
	 */
	void register(TopicPartition partition, InFlightForward forward) {
		track(partition, forward);
	}

	// Every forward tracked belongs to the open transaction, if one is: one superseded would commit with it.
	private void track(TopicPartition partition, InFlightForward forward) {
		if (this.forwards.register(partition, forward) && this.transaction != null) {
			abortTransaction(new ForwardingFailedException("A record was forwarded twice in one transaction",
					new IllegalStateException("Offset " + forward.offset() + " of " + partition
							+ " was delivered again")));
		}
	}

	/**
	 * The listener is about to process a record.
	 */
	void processing(ConsumerRecord<?, ?> record) {
		this.inProcess = new TopicPartition(record.topic(), record.partition());
		this.inProcessOffset = record.offset();
		this.inProcessFailed = false;
	}

	/**
	 * The listener failed on the record in process: until the failure router took it over, nothing may commit it.
	 */
	void processingFailed() {
		this.inProcessFailed = true;
	}

	/**
	 * The record in process succeeded, or the failure router took it over (it keeps it in place or forwards it).
	 */
	void processed() {
		this.inProcess = null;
	}

	/**
	 * Return whether a record's partition was rewound to a record before it, whose redelivery brings it back.
	 */
	boolean isRewoundBelow(ConsumerRecord<?, ?> record) {
		return this.forwards.capped(new TopicPartition(record.topic(), record.partition()), record.offset())
				< record.offset();
	}

	/**
	 * Register a forward and wait for its outcome, for a record whose next step depends on it.
	 * @return whether the broker acknowledged it
	 */
	boolean registerAndAwait(TopicPartition partition, InFlightForward forward) {
		track(partition, forward);
		// Twice the forward timeout: a forward refused as too large is sent once more.
		long deadline = System.nanoTime() + 2 * this.forwardTimeout.toNanos();
		if (forward.await(deadline) == InFlightForward.Outcome.ACKNOWLEDGED) {
			return true;
		}
		// The record stays in place and its caller rewinds it.
		this.forwards.remove(partition, forward);
		// A transaction with a failed forward in it can only abort (a failed send leaves the producer in error):
		// abort it now, rewinding its partitions, so that nothing of it commits and the next forward starts anew.
		abortTransaction(new ForwardingFailedException("A forward failed",
				new IllegalStateException("The forward of offset " + forward.offset() + " was not acknowledged")));
		return false;
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

	private void abortTransaction(RuntimeException cause) {
		PollTransaction open = this.transaction;
		if (open != null) {
			this.transaction = null;
			open.abort(this.forwards, cause);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		Object[] arguments = (args != null) ? args : new Object[0];
		switch (method.getName()) {
			case "commitSync", "commitAsync" -> {
				commit(method.getName().equals("commitSync"), arguments);
				return null;
			}
			case "seek" -> {
				TopicPartition partition = (TopicPartition) arguments[0];
				long offset = (arguments[1] instanceof OffsetAndMetadata metadata) ? metadata.offset()
						: (Long) arguments[1];
				long seekable = this.forwards.seekable(partition, offset);
				if (seekable == offset) {
					return call(method, arguments);
				}
				this.delegate.seek(partition, seekable);
				return null;
			}
			case "poll" -> {
				this.inProcess = null;
				commitAcknowledged();
				Object polled = call(method, arguments);
				if (polled instanceof ConsumerRecords<?, ?> records) {
					this.forwards.delivered(records);
				}
				return polled;
			}
			case "subscribe" -> {
				return call(method, subscription(arguments));
			}
			case "assign" -> {
				Set<TopicPartition> kept = new HashSet<>((Collection<TopicPartition>) arguments[0]);
				forget(new HashSet<>(this.delegate.assignment()).stream().filter(tp -> !kept.contains(tp)).toList());
				return call(method, arguments);
			}
			case "unsubscribe" -> {
				forget(new ArrayList<>(this.delegate.assignment()));
				return call(method, arguments);
			}
			case "close" -> {
				commitHeld(this.held.partitions());
				abandonTransaction(List.of(), false);
				return call(method, arguments);
			}
			case "equals" -> {
				return proxy == arguments[0];
			}
			case "hashCode" -> {
				return System.identityHashCode(proxy);
			}
			case "toString" -> {
				return "ForwardGate(" + this.delegate + ")";
			}
			default -> {
				return call(method, arguments);
			}
		}
	}

	// Every variant of commitSync and commitAsync: the offsets (else the positions), then a timeout or callback.
	@SuppressWarnings("unchecked")
	private void commit(boolean sync, Object[] args) {
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
		PollTransaction open = this.transaction;
		requested.forEach((partition, offset) -> {
			this.held.forget(List.of(partition));
			// Within a transaction every forward is committed with it: only rewound records are held back here.
			long committable = (open != null) ? this.forwards.capped(partition, offset.offset())
					: this.forwards.settle(partition, offset.offset(), deadline);
			long inProcessCap = inProcessCap(partition, offset.offset());
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
		this.committing = true;
		try {
			Map<TopicPartition, OffsetAndMetadata> left = open.commit(allowed, this.forwards,
					this.delegate.groupMetadata(), this.forwardTimeout);
			if (left.isEmpty()) {
				this.committedInTransaction = allowed;
			}
			return left;
		}
		finally {
			this.committing = false;
			this.transaction = null;
		}
	}

	private long inProcessCap(TopicPartition partition, long requested) {
		if (!partition.equals(this.inProcess) || requested <= this.inProcessOffset) {
			return requested;
		}
		return (requested == this.inProcessOffset + 1 && !this.inProcessFailed) ? requested : this.inProcessOffset;
	}

	/**
	 * Commit what held-back commits may commit now that forwards were resolved, without waiting.
	 */
	private void commitAcknowledged() {
		if (!this.held.isEmpty()) {
			this.held.settle(this.forwards, LOGGING_CALLBACK).forEach((callback, offsets) ->
					this.delegate.commitAsync(offsets, callback));
		}
	}

	/**
	 * Commit the held-back commits of partitions about to be given up, waiting for their forwards.
	 */
	private void commitHeld(Collection<TopicPartition> partitions) {
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

	// Partitions given up, or the consumer closing, before the open transaction was committed.
	private void abandonTransaction(Collection<TopicPartition> givenUp, boolean rewind) {
		PollTransaction open = this.transaction;
		if (open != null) {
			this.transaction = null;
			open.abandon(this.forwards, givenUp, rewind);
		}
	}

	void forget(Collection<TopicPartition> partitions) {
		this.forwards.forget(partitions);
		this.held.forget(partitions);
	}

	void revoking(boolean revoking) {
		this.revoking = revoking;
	}

	/**
	 * Partitions are being revoked, after the container committed what it had: commit what was held back and
	 * give up a transaction still open.
	 */
	void givingUp(Collection<TopicPartition> partitions) {
		if (!partitions.isEmpty()) {
			commitHeld(partitions);
			abandonTransaction(partitions, true);
		}
	}

	void lost(Collection<TopicPartition> partitions) {
		if (!partitions.isEmpty()) {
			abandonTransaction(partitions, true);
		}
	}

	private Object[] subscription(Object[] args) {
		Object[] arguments = args.clone();
		for (int i = 0; i < arguments.length; i++) {
			if (arguments[i] instanceof ConsumerRebalanceListener listener) {
				arguments[i] = new GatedRebalanceListener(listener, this);
			}
		}
		return arguments;
	}

	private @Nullable Object call(Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(this.delegate, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
