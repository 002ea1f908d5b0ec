package dev.reliablekafka.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
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
 * Commits on revocation and before closing wait for every forward, up to the forward timeout. All of it runs on
 * the consumer's thread, like the consumer itself.
 */
final class ForwardGate implements InvocationHandler {

	private static final LogAccessor logger = new LogAccessor(ForwardGate.class);

	private static final OffsetCommitCallback LOGGING_CALLBACK = new LoggingCommitCallback();

	private final Consumer<?, ?> delegate;

	private final Duration forwardTimeout;

	private final Duration commitWait;

	private final Map<TopicPartition, ArrayDeque<InFlightForward>> inFlight = new HashMap<>();

	// Partitions rewound to a record whose forward failed, until that record is delivered again.
	private final Map<TopicPartition, Long> rewound = new HashMap<>();

	// Commits held back by a forward still in flight, with what was committed of them.
	private final Map<TopicPartition, Held> held = new LinkedHashMap<>();

	private boolean revoking;

	// With transactions on: the transaction the forwards since the last commit were sent in.
	private @Nullable OpenTransaction transaction;

	private ForwardGate(Consumer<?, ?> delegate, Duration forwardTimeout, Duration commitWait) {
		this.delegate = delegate;
		this.forwardTimeout = forwardTimeout;
		this.commitWait = commitWait;
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
		if (Proxy.isProxyClass(consumer.getClass()) && Proxy.getInvocationHandler(consumer) instanceof ForwardGate gate) {
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
		ArrayDeque<InFlightForward> forwards = this.inFlight.computeIfAbsent(partition, key -> new ArrayDeque<>());
		// A record delivered again: the forwards of it and of the records behind it are superseded.
		while (!forwards.isEmpty() && forwards.peekLast().offset() >= forward.offset()) {
			forwards.pollLast();
		}
		forwards.addLast(forward);
	}

	/**
	 * Send a forward in this consumer's transaction, beginning one if none is open: the forwards between two
	 * commits share one transaction, which the next commit commits with the offsets.
	 * @return completes when the broker acknowledged the record
	 * @throws RuntimeException if no transaction could begin, or the send failed at once
	 */
	CompletableFuture<?> sendInTransaction(RecordForwarder forwarder, ConsumerRecord<?, ?> record, String topic,
			Headers headers) {
		if (this.transaction == null) {
			this.transaction = new OpenTransaction(forwarder, forwarder.transactions().begin());
		}
		OpenTransaction open = this.transaction;
		open.firstForwarded().putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
		return forwarder.send(open.producer(), record, topic, headers);
	}

	@Override
	@SuppressWarnings("unchecked")
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		Object[] arguments = (args != null) ? args : new Object[0];
		switch (method.getName()) {
			case "commitSync" -> {
				commitSync(arguments);
				return null;
			}
			case "commitAsync" -> {
				commitAsync(arguments);
				return null;
			}
			case "seek" -> {
				seek(arguments);
				return null;
			}
			case "poll" -> {
				return poll(method, arguments);
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
				commitHeld(new ArrayList<>(this.held.keySet()));
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

	@SuppressWarnings("unchecked")
	private void commitSync(Object[] args) {
		Duration timeout = (args.length > 0 && args[args.length - 1] instanceof Duration duration) ? duration : null;
		Map<TopicPartition, OffsetAndMetadata> offsets = gate(
				(args.length > 0 && args[0] instanceof Map<?, ?> map) ? (Map<TopicPartition, OffsetAndMetadata>) map
						: positions());
		if (offsets.isEmpty()) {
			return;
		}
		if (timeout != null) {
			this.delegate.commitSync(offsets, timeout);
		}
		else {
			this.delegate.commitSync(offsets);
		}
	}

	@SuppressWarnings("unchecked")
	private void commitAsync(Object[] args) {
		OffsetCommitCallback callback = (args.length > 0
				&& args[args.length - 1] instanceof OffsetCommitCallback given) ? given : LOGGING_CALLBACK;
		Map<TopicPartition, OffsetAndMetadata> offsets = gate(
				(args.length > 0 && args[0] instanceof Map<?, ?> map) ? (Map<TopicPartition, OffsetAndMetadata>) map
						: positions());
		if (!offsets.isEmpty()) {
			this.delegate.commitAsync(offsets, callback);
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
	private Map<TopicPartition, OffsetAndMetadata> gate(Map<TopicPartition, OffsetAndMetadata> requested) {
		if (this.transaction != null) {
			return commitTransaction(requested);
		}
		long deadline = System.nanoTime() + (this.revoking ? this.forwardTimeout : this.commitWait).toNanos();
		Map<TopicPartition, OffsetAndMetadata> allowed = new LinkedHashMap<>();
		requested.forEach((partition, offset) -> {
			this.held.remove(partition);
			long committable = settle(partition, offset.offset(), deadline);
			if (committable == offset.offset()) {
				allowed.put(partition, offset);
				return;
			}
			allowed.put(partition, new OffsetAndMetadata(committable, offset.metadata()));
			if (!this.rewound.containsKey(partition)) {
				this.held.put(partition, new Held(offset, committable));
			}
		});
		return allowed;
	}

	/**
	 * Wait for the forwards of a partition below an offset, rewinding the partition to the first that failed.
	 * @return the offset up to which the partition may be committed
	 */
	private long settle(TopicPartition partition, long offset, long deadline) {
		Long rewoundTo = this.rewound.get(partition);
		long committable = (rewoundTo != null) ? Math.min(offset, rewoundTo) : offset;
		ArrayDeque<InFlightForward> forwards = this.inFlight.get(partition);
		while (forwards != null && !forwards.isEmpty() && forwards.peekFirst().offset() < committable) {
			InFlightForward forward = forwards.peekFirst();
			switch (forward.await(deadline)) {
				case ACKNOWLEDGED -> forwards.pollFirst();
				case PENDING -> {
					return forward.offset();
				}
				case FAILED -> {
					rewind(partition, forward.offset());
					return forward.offset();
				}
			}
		}
		return committable;
	}

	/**
	 * Commit the offsets in the open transaction, with every forward sent in it, once all of them were
	 * acknowledged (waiting up to the forward timeout: a transaction commits all or nothing). If one failed or the
	 * transaction did not commit, every partition with forwards in it is rewound to its first one.
	 * @return the offsets still to commit: none when the transaction committed them; else those up to the
	 * rewound records
	 */
	private Map<TopicPartition, OffsetAndMetadata> commitTransaction(Map<TopicPartition, OffsetAndMetadata> requested) {
		OpenTransaction open = Objects.requireNonNull(this.transaction);
		Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
		requested.forEach((partition, offset) -> {
			Long rewoundTo = this.rewound.get(partition);
			offsets.put(partition, (rewoundTo == null || rewoundTo >= offset.offset()) ? offset
					: new OffsetAndMetadata(rewoundTo, offset.metadata()));
		});
		if (offsets.isEmpty()) {
			return offsets;
		}
		this.transaction = null;
		RuntimeException failure = awaitAll(open);
		if (failure == null) {
			try {
				int forwards = open.firstForwarded().keySet().stream()
					.mapToInt(partition -> this.inFlight.getOrDefault(partition, new ArrayDeque<>()).size())
					.sum();
				open.forwarder().transactions().commit(open.producer(), forwards, offsets,
						this.delegate.groupMetadata());
				open.firstForwarded().keySet().forEach(this.inFlight::remove);
				return Map.of();
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		else {
			open.forwarder().transactions().abort(open.producer(), failure);
		}
		RuntimeException cause = failure;
		logger.warn(() -> "A transaction of forwards for " + open.firstForwarded().keySet() + " did not commit ("
				+ cause + "); their records are delivered again");
		rollBack(open, cause, List.of());
		Map<TopicPartition, OffsetAndMetadata> plain = new LinkedHashMap<>();
		offsets.forEach((partition, offset) -> {
			Long first = open.firstForwarded().get(partition);
			plain.put(partition, (first == null || first >= offset.offset()) ? offset
					: new OffsetAndMetadata(first, offset.metadata()));
		});
		return plain;
	}

	private @Nullable RuntimeException awaitAll(OpenTransaction open) {
		for (TopicPartition partition : open.firstForwarded().keySet()) {
			for (InFlightForward forward : this.inFlight.getOrDefault(partition, new ArrayDeque<>())) {
				if (forward.await(System.nanoTime() + this.forwardTimeout.toNanos()) != InFlightForward.Outcome.ACKNOWLEDGED) {
					return new ForwardingFailedException("The forward of " + partition + "@" + forward.offset()
							+ " failed", new IllegalStateException("not acknowledged"));
				}
			}
		}
		return null;
	}

	// The forwards of a transaction that did not commit were undone: their records have to be delivered again.
	private void rollBack(OpenTransaction open, RuntimeException cause, Collection<TopicPartition> givenUp) {
		open.firstForwarded().forEach((partition, first) -> {
			this.inFlight.getOrDefault(partition, new ArrayDeque<>()).forEach(forward -> forward.rolledBack(cause));
			if (givenUp.contains(partition)) {
				this.inFlight.remove(partition);
			}
			else {
				rewind(partition, first);
			}
		});
	}

	/**
	 * Give up the open transaction, if any, when partitions are given up or the consumer closes before a commit.
	 */
	private void abandonTransaction(Collection<TopicPartition> givenUp, boolean rewind) {
		OpenTransaction open = this.transaction;
		if (open == null) {
			return;
		}
		this.transaction = null;
		RuntimeException cause = new ForwardingFailedException("Partitions given up before the commit",
				new IllegalStateException("rebalanced or closed"));
		open.forwarder().transactions().abort(open.producer(), cause);
		if (rewind) {
			rollBack(open, cause, givenUp);
		}
	}

	private void rewind(TopicPartition partition, long offset) {
		this.delegate.seek(partition, offset);
		this.rewound.merge(partition, offset, Math::min);
		this.inFlight.remove(partition);
		this.held.remove(partition);
		logger.debug(() -> "Rewound " + partition + " to " + offset + " after a failed forward");
	}

	// Nobody may move a rewound partition past the record to deliver again.
	private void seek(Object[] args) {
		TopicPartition partition = (TopicPartition) args[0];
		long offset = (args[1] instanceof OffsetAndMetadata metadata) ? metadata.offset() : (Long) args[1];
		Long rewoundTo = this.rewound.get(partition);
		if (rewoundTo != null && offset > rewoundTo) {
			logger.debug(() -> "Seeking " + partition + " to " + rewoundTo + " instead of " + offset
					+ ": the record there has to be delivered again");
			this.delegate.seek(partition, rewoundTo);
		}
		else if (args[1] instanceof OffsetAndMetadata metadata) {
			this.delegate.seek(partition, metadata);
		}
		else {
			this.delegate.seek(partition, offset);
		}
	}

	private Object poll(Method method, Object[] args) throws Throwable {
		commitAcknowledged();
		Object polled = call(method, args);
		if (!this.rewound.isEmpty() && polled instanceof ConsumerRecords<?, ?> records) {
			records.partitions().forEach(partition -> {
				Long rewoundTo = this.rewound.remove(partition);
				long first = records.records(partition).get(0).offset();
				if (rewoundTo != null && first > rewoundTo) {
					logger.warn(() -> partition + " was rewound to " + rewoundTo + " but delivers from " + first
							+ " (the log no longer holds the records between)");
				}
			});
		}
		return polled;
	}

	/**
	 * Commit what held-back commits may commit now that forwards were resolved, without waiting.
	 */
	private void commitAcknowledged() {
		if (this.held.isEmpty()) {
			return;
		}
		Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
		long now = System.nanoTime();
		new ArrayList<>(this.held.entrySet()).forEach(entry -> {
			TopicPartition partition = entry.getKey();
			Held commit = entry.getValue();
			long committable = settle(partition, commit.requested().offset(), now);
			if (committable == commit.requested().offset()) {
				this.held.remove(partition);
				offsets.put(partition, commit.requested());
				return;
			}
			if (this.held.containsKey(partition)) {
				this.held.put(partition, new Held(commit.requested(), Math.max(committable, commit.committed())));
			}
			if (committable > commit.committed()) {
				offsets.put(partition, new OffsetAndMetadata(committable, commit.requested().metadata()));
			}
		});
		if (!offsets.isEmpty()) {
			this.delegate.commitAsync(offsets, LOGGING_CALLBACK);
		}
	}

	/**
	 * Commit the held-back commits of partitions about to be given up, waiting for their forwards.
	 */
	private void commitHeld(Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
		partitions.forEach(partition -> {
			Held commit = this.held.get(partition);
			if (commit != null) {
				offsets.put(partition, commit.requested());
			}
		});
		if (offsets.isEmpty()) {
			return;
		}
		boolean wasRevoking = this.revoking;
		this.revoking = true;
		try {
			Map<TopicPartition, OffsetAndMetadata> allowed = gate(offsets);
			this.delegate.commitSync(allowed, this.forwardTimeout);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not commit " + offsets + " after their forwards; their records may be "
					+ "delivered again");
		}
		finally {
			this.revoking = wasRevoking;
		}
	}

	private void forget(Collection<TopicPartition> partitions) {
		partitions.forEach(partition -> {
			this.inFlight.remove(partition);
			this.rewound.remove(partition);
			this.held.remove(partition);
		});
	}

	private Object[] subscription(Object[] args) {
		Object[] arguments = args.clone();
		for (int i = 0; i < arguments.length; i++) {
			if (arguments[i] instanceof ConsumerRebalanceListener listener) {
				arguments[i] = new GatedRebalanceListener(listener);
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

	/**
	 * The transaction of the forwards since the last commit.
	 * @param forwarder the forwarder whose producer it is
	 * @param producer the producer, in the transaction
	 * @param firstForwarded the offset of the first forwarded record of each partition
	 */
	private record OpenTransaction(RecordForwarder forwarder, Producer<byte[], byte[]> producer,
			Map<TopicPartition, Long> firstForwarded) {

		OpenTransaction(RecordForwarder forwarder, Producer<byte[], byte[]> producer) {
			this(forwarder, producer, new LinkedHashMap<>());
		}

	}

	/**
	 * A commit held back by a forward in flight.
	 * @param requested what was requested
	 * @param committed how much of it was committed
	 */
	private record Held(OffsetAndMetadata requested, long committed) {
	}

	/**
	 * Makes the container's commits on revocation wait for every forward, and drops the state of partitions
	 * given up.
	 */
	private final class GatedRebalanceListener implements ConsumerRebalanceListener {

		private final ConsumerRebalanceListener delegate;

		GatedRebalanceListener(ConsumerRebalanceListener delegate) {
			this.delegate = delegate;
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			ForwardGate.this.revoking = true;
			try {
				this.delegate.onPartitionsRevoked(partitions);
				commitHeld(partitions);
				abandonTransaction(partitions, true);
			}
			finally {
				ForwardGate.this.revoking = false;
				forget(partitions);
			}
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			forget(partitions);
			this.delegate.onPartitionsAssigned(partitions);
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			try {
				this.delegate.onPartitionsLost(partitions);
				abandonTransaction(partitions, true);
			}
			finally {
				forget(partitions);
			}
		}

	}

}
