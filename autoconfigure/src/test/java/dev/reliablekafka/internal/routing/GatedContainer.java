package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.TopicPartitionOffset;

import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.breaker.OutageBreaker;
import dev.reliablekafka.internal.breaker.OutageBreakers;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.BlockingPolicy;
import dev.reliablekafka.internal.policy.BreakerPolicy;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * Container-contract fixture: a real container whose consumer is a mock over an in-memory log, behind a commit
 * gate, with a failure router forwarding through a {@link MockProducer} that completes sends only when told. It
 * records what reaches the consumer (commits and seeks) in order.
 */
final class GatedContainer implements AutoCloseable {

	static final String TIER = "app.delay.1s";

	final KeptOpenProducer producer = new KeptOpenProducer();

	private final boolean transactional;

	final List<String> delivered = new ArrayList<>();

	/** Commits and seeks as they reached the consumer: {@code commit {orders-0=3}}, {@code seek orders-0 0}. */
	final List<String> calls = new ArrayList<>();

	private final List<Map<TopicPartition, Long>> commitMaps = new ArrayList<>();

	private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log = new LinkedHashMap<>();

	private final Map<TopicPartition, Long> positions = new HashMap<>();

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	private KafkaMessageListenerContainer<byte[], byte[]> container;

	private boolean subscribing;

	private boolean acknowledging;

	private @Nullable BiConsumer<String, Acknowledgment> acknowledger;

	private volatile boolean revokeAtNextPoll;

	/** thrown by the next commitSync, after failing the next pending send. */
	volatile @Nullable RuntimeException nextCommitFailure;

	/** each commit with how many deliveries the listener had seen then. */
	final List<String> commitsWithDeliveries = new ArrayList<>();

	private @Nullable ConsumerRebalanceListener rebalanceListener;

	private final Set<TopicPartition> assigned = new HashSet<>();

	// Partitions paused in the consumer; a poll skips them only with a breaker, whose tests need that.
	private final Set<TopicPartition> paused = new HashSet<>();

	private BreakerPolicy breaker = BreakerPolicy.DISABLED;

	private final OutageBreakers breakers = new OutageBreakers(this.partitionBackOff);

	GatedContainer() {
		this(false);
	}

	/**
	 * Create the fixture.
	 * @param transactional whether forwards are transactional
	 */
	GatedContainer(boolean transactional) {
		this.transactional = transactional;
		if (transactional) {
			this.producer.initTransactions();
		}
	}

	/**
	 * Add records to the log of a partition, with the given values from offset 0 on.
	 */
	GatedContainer records(TopicPartition partition, String... values) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		for (int i = 0; i < values.length; i++) {
			byte[] bytes = values[i].getBytes(StandardCharsets.UTF_8);
			records.add(new ConsumerRecord<>(partition.topic(), partition.partition(), i, 0L,
					TimestampType.CREATE_TIME, 0, 0, bytes, bytes, new RecordHeaders(), Optional.empty()));
		}
		this.log.put(partition, records);
		this.positions.put(partition, 0L);
		return this;
	}

	/**
	 * Subscribe to the topic instead of assigning the partitions: the first poll assigns them all.
	 */
	GatedContainer subscribing() {
		this.subscribing = true;
		return this;
	}

	/**
	 * Let the listener acknowledge each record it processed (for the manual ack modes).
	 */
	GatedContainer acknowledging() {
		this.acknowledging = true;
		return this;
	}

	/**
	 * Use an acknowledging listener (for the manual ack modes) instead of failing by a predicate: it is handed each
	 * value with its acknowledgment, and fails by throwing.
	 */
	GatedContainer acknowledging(BiConsumer<String, Acknowledgment> listener) {
		this.acknowledger = listener;
		return this;
	}

	/**
	 * Give the listener an outage breaker, and make polls skip paused partitions, recording {@code pause [...]}
	 * and {@code resume [...]} as they reach the consumer.
	 */
	GatedContainer breaker(BreakerPolicy breaker) {
		this.breaker = breaker;
		return this;
	}

	/**
	 * Return the listener's outage breaker, once started.
	 */
	@Nullable OutageBreaker outageBreaker() {
		return this.breakers.find("orders");
	}

	/**
	 * Revoke every partition at the next poll, recording {@code revoke start} and {@code revoke end} around it.
	 */
	void revokeAtNextPoll() {
		this.revokeAtNextPoll = true;
	}

	/**
	 * Start a container with the given ack mode, whose listener fails for the values the predicate accepts.
	 * @param forwardTimeout the forwarder's timeout
	 * @param commitWait how long an ordinary commit waits for forwards
	 */
	void start(AckMode ackMode, Predicate<String> fails, Duration forwardTimeout, Duration commitWait) {
		Consumer<byte[], byte[]> consumer = gated(mockConsumer(), forwardTimeout, commitWait);
		ContainerProperties properties = this.subscribing
				? new ContainerProperties(this.log.keySet().iterator().next().topic())
				: new ContainerProperties(this.log.keySet().stream()
					.map(tp -> new TopicPartitionOffset(tp.topic(), tp.partition()))
					.toArray(TopicPartitionOffset[]::new));
		properties.setAckMode(ackMode);
		properties.setGroupId("order-service");
		BiConsumer<String, Acknowledgment> acknowledger = this.acknowledger;
		if (acknowledger != null) {
			properties.setMessageListener((AcknowledgingMessageListener<byte[], byte[]>) (record, ack) -> {
				process(record, value -> false);
				acknowledger.accept(new String(record.value(), StandardCharsets.UTF_8), ack);
			});
		}
		else if (this.acknowledging) {
			properties.setMessageListener((AcknowledgingMessageListener<byte[], byte[]>) (record, ack) -> {
				process(record, fails);
				ack.acknowledge();
			});
		}
		else {
			properties.setMessageListener((MessageListener<byte[], byte[]>) record -> process(record, fails));
		}
		@SuppressWarnings("unchecked")
		ConsumerFactory<byte[], byte[]> consumerFactory = mock(ConsumerFactory.class);
		given(consumerFactory.createConsumer(any(), any(), any(), any())).willReturn(consumer);
		this.container = new KafkaMessageListenerContainer<>(consumerFactory, properties);
		RecordForwarder forwarder = new RecordForwarder(
				new SingleProducerFactory(this.producer, this.transactional), forwardTimeout);
		OutageBreaker outageBreaker = this.breakers.forListener(policy(), ReliableEvents.NONE);
		this.container.setRecordInterceptor(new RecordOutcomes<>(policy(), null, outageBreaker, ReliableEvents.NONE));
		this.container.setCommonErrorHandler(
				new FailureRouter(policy(), forwarder, this.partitionBackOff, ReliableEvents.NONE, outageBreaker));
		this.container.start();
	}

	private void process(ConsumerRecord<byte[], byte[]> record, Predicate<String> fails) {
		String value = new String(record.value(), StandardCharsets.UTF_8);
		synchronized (this) {
			this.delivered.add(value);
		}
		if (fails.test(value)) {
			throw new IllegalStateException("failed: " + value);
		}
	}

	synchronized List<String> delivered() {
		return new ArrayList<>(this.delivered);
	}

	synchronized List<String> calls() {
		return new ArrayList<>(this.calls);
	}

	/**
	 * Return the commits that reached the consumer, in order.
	 */
	synchronized List<Map<TopicPartition, Long>> commits() {
		return this.commitMaps.stream().toList();
	}

	@SuppressWarnings("unchecked")
	private static Consumer<byte[], byte[]> gated(Consumer<byte[], byte[]> consumer, Duration forwardTimeout,
			Duration commitWait) {
		Consumer<Object, Object> any = (Consumer<Object, Object>) (Consumer<?, ?>) consumer;
		return (Consumer<byte[], byte[]>) (Consumer<?, ?>) new CommitGate(forwardTimeout, commitWait).apply(any);
	}

	@SuppressWarnings("unchecked")
	private Consumer<byte[], byte[]> mockConsumer() {
		Consumer<byte[], byte[]> consumer = mock(Consumer.class);
		willAnswer(invocation -> {
			this.rebalanceListener = invocation.getArgument(1);
			return null;
		}).given(consumer).subscribe(any(Collection.class), any(ConsumerRebalanceListener.class));
		given(consumer.assignment()).willAnswer(invocation -> new HashSet<>(this.assigned));
		willAnswer(invocation -> {
			ConsumerRebalanceListener listener = this.rebalanceListener;
			if (listener != null && this.assigned.isEmpty() && !this.revokeAtNextPoll) {
				this.assigned.addAll(this.log.keySet());
				listener.onPartitionsAssigned(this.log.keySet());
			}
			if (listener != null && this.revokeAtNextPoll) {
				this.revokeAtNextPoll = false;
				record("revoke start");
				listener.onPartitionsRevoked(new HashSet<>(this.assigned));
				this.assigned.clear();
				record("revoke end");
				this.rebalanceListener = null;
			}
			if (this.subscribing && this.assigned.isEmpty()) {
				Thread.sleep(20);
				return ConsumerRecords.empty();
			}
			Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> fetched = new LinkedHashMap<>();
			synchronized (this) {
				this.log.forEach((partition, records) -> {
					if (this.breaker.enabled() && this.paused.contains(partition)) {
						return;
					}
					long from = this.positions.get(partition);
					List<ConsumerRecord<byte[], byte[]>> next = records.stream()
						.filter(r -> r.offset() >= from)
						.toList();
					if (!next.isEmpty()) {
						fetched.put(partition, next);
						this.positions.put(partition, (long) records.size());
					}
				});
			}
			if (fetched.isEmpty()) {
				Thread.sleep(20);
				return ConsumerRecords.empty();
			}
			return new ConsumerRecords<>(fetched, Map.of());
		}).given(consumer).poll(any(Duration.class));
		willAnswer(invocation -> {
			TopicPartition partition = invocation.getArgument(0);
			long offset = invocation.getArgument(1);
			synchronized (this) {
				this.positions.put(partition, offset);
				this.calls.add("seek " + partition + " " + offset);
			}
			return null;
		}).given(consumer).seek(any(TopicPartition.class), anyLong());
		willAnswer(invocation -> {
			RuntimeException failure = this.nextCommitFailure;
			if (failure != null) {
				this.nextCommitFailure = null;
				this.producer.errorNext(new IllegalStateException("broker unavailable"));
				throw failure;
			}
			committed(invocation.getArgument(0));
			return null;
		}).given(consumer).commitSync(any(Map.class), any());
		willAnswer(invocation -> {
			committed(invocation.getArgument(0));
			return null;
		}).given(consumer).commitAsync(any(Map.class), any());
		given(consumer.groupMetadata()).willReturn(new ConsumerGroupMetadata("order-service"));
		given(consumer.paused()).willAnswer(invocation -> {
			synchronized (this) {
				return this.breaker.enabled() ? new HashSet<>(this.paused) : Set.of();
			}
		});
		willAnswer(invocation -> {
			Collection<TopicPartition> partitions = invocation.getArgument(0);
			synchronized (this) {
				this.paused.addAll(partitions);
				if (this.breaker.enabled()) {
					this.calls.add("pause " + partitions.stream().map(TopicPartition::toString).sorted().toList());
				}
			}
			return null;
		}).given(consumer).pause(any(Collection.class));
		willAnswer(invocation -> {
			Collection<TopicPartition> partitions = invocation.getArgument(0);
			synchronized (this) {
				this.paused.removeAll(partitions);
				if (this.breaker.enabled()) {
					this.calls.add("resume " + partitions.stream().map(TopicPartition::toString).sorted().toList());
				}
			}
			return null;
		}).given(consumer).resume(any(Collection.class));
		return consumer;
	}

	private synchronized void record(String call) {
		this.calls.add(call);
	}

	private synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
		Map<TopicPartition, Long> commit = new LinkedHashMap<>();
		offsets.forEach((partition, offset) -> commit.put(partition, offset.offset()));
		this.commitMaps.add(commit);
		this.commitsWithDeliveries.add(commit + " after " + this.delivered + " delivered");
		this.calls.add("commit " + commit);
	}

	@Override
	public void close() {
		if (this.container != null) {
			this.container.stop();
		}
		this.partitionBackOff.destroy();
		this.breakers.destroy();
	}

	private ListenerPolicy policy() {
		BlockingPolicy blocking = new BlockingPolicy(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), Duration.ZERO,
				BlockingPolicy.UNLIMITED);
		RetryTopicPolicy retryTopic = new RetryTopicPolicy("retry.order-service",
				List.of(new DelayLevel(Duration.ofSeconds(1), TIER)), 1, 3);
		return new ListenerPolicy("orders", "order-service", List.of("orders"), ReliableMode.RETRY_TOPIC, blocking,
				"dlq.order-service", retryTopic, List.of(), "retry.order-service", Map.of(), this.breaker);
	}

	/**
	 * A producer that completes sends only when told, and that the template's close after each send leaves open,
	 * as the producer factory's cache would.
	 */
	static final class KeptOpenProducer extends MockProducer<byte[], byte[]> {

		KeptOpenProducer() {
			super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
		}

		@Override
		public void close() {
		}

		@Override
		public void close(Duration timeout) {
		}

		/** like a real producer, a failed send in a transaction fails every later send until abort. */
		volatile boolean poisoning;

		private volatile boolean poisoned;

		@Override
		public synchronized boolean errorNext(RuntimeException e) {
			if (this.poisoning && transactionInFlight()) {
				this.poisoned = true;
			}
			return super.errorNext(e);
		}

		@Override
		public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
				org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record,
				org.apache.kafka.clients.producer.Callback callback) {
			if (this.poisoned) {
				throw new org.apache.kafka.common.KafkaException(
						"Cannot execute transactional method because we are in an error state");
			}
			return super.send(record, callback);
		}

		@Override
		public void abortTransaction() {
			this.poisoned = false;
			super.abortTransaction();
		}

	}

	/**
	 * Hands out one producer.
	 */
	private record SingleProducerFactory(Producer<byte[], byte[]> producer,
			boolean transactionCapable) implements ProducerFactory<byte[], byte[]> {

		@Override
		public Producer<byte[], byte[]> createProducer() {
			return this.producer;
		}

	}

}
