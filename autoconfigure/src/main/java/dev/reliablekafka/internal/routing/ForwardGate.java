package dev.reliablekafka.internal.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

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
 * <p>
 * This class is the consumer's proxy and dispatches its calls: {@link GatedCommits} caps and commits the offsets,
 * {@link ForwardsInFlight} tracks the forwards per partition and rewinds, {@link OpenTransaction} holds the poll
 * transaction, and {@link RecordInProcess} the record the listener is processing.
 */
final class ForwardGate implements InvocationHandler {

	private final Consumer<?, ?> delegate;

	private final Duration forwardTimeout;

	private final ForwardsInFlight forwards;

	private final OpenTransaction transaction;

	private final RecordInProcess inProcess = new RecordInProcess();

	private final GatedCommits commits;

	private ForwardGate(Consumer<?, ?> delegate, Duration forwardTimeout, Duration commitWait) {
		this.delegate = delegate;
		this.forwardTimeout = forwardTimeout;
		this.forwards = new ForwardsInFlight(delegate);
		this.transaction = new OpenTransaction(this.forwards);
		this.commits = new GatedCommits(delegate, forwardTimeout, commitWait, this.forwards, this.transaction,
				this.inProcess);
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
		if (this.forwards.register(partition, forward) && this.transaction.current() != null) {
			this.transaction.abortTransaction(new ForwardingFailedException(
					"A record was forwarded twice in one transaction", new IllegalStateException(
							"Offset " + forward.offset() + " of " + partition + " was delivered again")));
		}
	}

	/**
	 * The listener is about to process a record.
	 */
	void processing(ConsumerRecord<?, ?> record) {
		this.inProcess.processing(record);
	}

	/**
	 * The listener failed on the record in process: until the failure router took it over, nothing may commit it.
	 */
	void processingFailed() {
		this.inProcess.processingFailed();
	}

	/**
	 * The record in process succeeded, or the failure router took it over (it keeps it in place or forwards it).
	 */
	void processed() {
		this.inProcess.processed();
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
		this.transaction.abortTransaction(new ForwardingFailedException("A forward failed",
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
		return this.transaction.sendInTransaction(forwarder, record, topic, headers);
	}

	@Override
	@SuppressWarnings("unchecked")
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		Object[] arguments = (args != null) ? args : new Object[0];
		switch (method.getName()) {
			case "commitSync", "commitAsync" -> {
				this.commits.commit(method.getName().equals("commitSync"), arguments);
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
				this.inProcess.processed();
				this.commits.commitAcknowledged();
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
				this.commits.commitHeld(this.commits.heldPartitions());
				this.transaction.abandonTransaction(List.of(), false);
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

	void forget(Collection<TopicPartition> partitions) {
		this.forwards.forget(partitions);
		this.commits.forget(partitions);
	}

	void revoking(boolean revoking) {
		this.commits.revoking(revoking);
	}

	/**
	 * Partitions are being revoked, after the container committed what it had: commit what was held back and
	 * give up a transaction still open.
	 */
	void givingUp(Collection<TopicPartition> partitions) {
		if (!partitions.isEmpty()) {
			this.commits.commitHeld(partitions);
			this.transaction.abandonTransaction(partitions, true);
		}
	}

	void lost(Collection<TopicPartition> partitions) {
		if (!partitions.isEmpty()) {
			this.transaction.abandonTransaction(partitions, true);
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
