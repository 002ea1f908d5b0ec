package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.routing.CommitGate;
import dev.reliablekafka.internal.routing.RecordForwarder;
import dev.reliablekafka.internal.topics.TopicNaming;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * Container-contract fixture of the scheduler: a real container running the scheduler's listener, whose consumer
 * is a mock over an in-memory delay tier behind a commit gate (as the scheduler's consumers are), handing over
 * through a {@link MockProducer} that completes sends only when told. It records the commits and seeks that reach
 * the consumer, in order, and counts the polls made before the broker answered any send.
 */
final class SchedulerContainer implements AutoCloseable {

	static final TopicPartition TIER = new TopicPartition("app.delay.1s", 0);

	final MockProducer<byte[], byte[]> producer;

	private boolean transactional;

	private Duration patience = Duration.ZERO;

	/** Commits and seeks as they reached the consumer: {@code commit 3}, {@code seek 1}. */
	private final List<String> calls = new ArrayList<>();

	private final List<Long> delivered = new ArrayList<>();

	private final List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();

	private final Set<TopicPartition> paused = new HashSet<>();

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	private long position;

	private int pollsBeforeAnyAnswer;

	private int resolved;

	private KafkaMessageListenerContainer<byte[], byte[]> container;

	SchedulerContainer() {
		this(new KeptOpenProducer());
	}

	/**
	 * Hand records over through the given producer, which must stay open when closed.
	 */
	SchedulerContainer(MockProducer<byte[], byte[]> producer) {
		this.producer = producer;
	}

	/**
	 * Put records into the tier, from offset 0 on, all due already.
	 */
	SchedulerContainer records(int count) {
		long due = System.currentTimeMillis() - 1;
		for (int i = 0; i < count; i++) {
			record("record " + i, "orders", due);
		}
		return this;
	}

	/**
	 * Put one record into the tier, at the next offset.
	 */
	SchedulerContainer record(String value, String group, long dueTime) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(ReliableHeaders.DUE_TIME, Long.toString(dueTime).getBytes(StandardCharsets.UTF_8));
		headers.add(ReliableHeaders.GROUP, group.getBytes(StandardCharsets.UTF_8));
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		this.log.add(new ConsumerRecord<>(TIER.topic(), TIER.partition(), this.log.size(), 0L,
				TimestampType.CREATE_TIME, 0, 0, bytes, bytes, headers, Optional.empty()));
		return this;
	}

	/**
	 * Hand records over in transactions.
	 */
	SchedulerContainer transactional() {
		this.transactional = true;
		this.producer.initTransactions();
		return this;
	}

	/**
	 * Let records wait this long for a retry or dead-letter topic that refuses writes.
	 */
	SchedulerContainer patience(Duration patience) {
		this.patience = patience;
		return this;
	}

	void start(Duration forwardTimeout) {
		Consumer<byte[], byte[]> consumer = gated(mockConsumer(), forwardTimeout);
		ContainerProperties properties = new ContainerProperties(new TopicPartitionOffset(TIER.topic(), TIER.partition()));
		properties.setGroupId("app.delay-scheduler");
		properties.setAckMode(AckMode.MANUAL);
		properties.setPollTimeout(100);
		RecordForwarder forwarder = new RecordForwarder(new SingleProducerFactory(this.producer, this.transactional),
				forwardTimeout);
		SchedulerListener listener = new SchedulerListener(forwarder, routes(this.patience), this.partitionBackOff);
		properties.setMessageListener(listener);
		@SuppressWarnings("unchecked")
		ConsumerFactory<byte[], byte[]> consumerFactory = mock(ConsumerFactory.class);
		given(consumerFactory.createConsumer(any(), any(), any(), any())).willReturn(consumer);
		this.container = new KafkaMessageListenerContainer<>(consumerFactory, properties);
		listener.setContainer(this.container);
		this.container.setCommonErrorHandler(new SchedulerErrorHandler(this.partitionBackOff));
		this.container.start();
	}

	/**
	 * Return the routes of namespace {@code app}'s scheduler, which takes every topic to be writable unless told.
	 * @param patience how long records wait for a topic that refuses writes
	 */
	static HandOffRoutes routes(Duration patience) {
		return new HandOffRoutes(new TopicNaming("dlq.<group>", "retry.<group>", "<namespace>.delay.<level>", "app"),
				new TopicChecks(null), "app.delay.parked", patience);
	}

	/**
	 * Give a consumer the commit gate the scheduler's consumers have.
	 */
	@SuppressWarnings("unchecked")
	static Consumer<byte[], byte[]> gated(Consumer<byte[], byte[]> consumer, Duration forwardTimeout) {
		Consumer<Object, Object> any = (Consumer<Object, Object>) (Consumer<?, ?>) consumer;
		return (Consumer<byte[], byte[]>) (Consumer<?, ?>) new CommitGate(forwardTimeout).apply(any);
	}

	synchronized List<String> calls() {
		return new ArrayList<>(this.calls);
	}

	/**
	 * Return the offsets of the records the listener was given, in order.
	 */
	synchronized List<Long> delivered() {
		return new ArrayList<>(this.delivered);
	}

	/**
	 * Return the offsets committed, in order.
	 */
	synchronized List<Long> commits() {
		return this.calls.stream().filter(call -> call.startsWith("commit ")).map(call -> Long.valueOf(call.substring(7)))
			.toList();
	}

	/**
	 * Return how many polls were made after the first hand-off was sent and before the broker answered any.
	 */
	synchronized int pollsBeforeAnyAnswer() {
		return this.pollsBeforeAnyAnswer;
	}

	/**
	 * Acknowledge the oldest send not answered yet.
	 */
	synchronized void acknowledgeNext() {
		this.resolved++;
		this.producer.completeNext();
	}

	/**
	 * Fail the oldest send not answered yet.
	 */
	synchronized void failNext() {
		failNext(new TimeoutException("broker unavailable"));
	}

	/**
	 * Fail the oldest send not answered yet with the given error.
	 */
	synchronized void failNext(RuntimeException error) {
		this.resolved++;
		this.producer.errorNext(error);
	}

	@SuppressWarnings("unchecked")
	private Consumer<byte[], byte[]> mockConsumer() {
		Consumer<byte[], byte[]> consumer = mock(Consumer.class);
		given(consumer.assignment()).willReturn(Set.of(TIER));
		given(consumer.groupMetadata()).willReturn(new ConsumerGroupMetadata("app.delay-scheduler"));
		willAnswer(invocation -> {
			synchronized (this) {
				if (!this.producer.history().isEmpty() && this.resolved == 0) {
					this.pollsBeforeAnyAnswer++;
				}
				if (!this.paused.contains(TIER) && this.position < this.log.size()) {
					List<ConsumerRecord<byte[], byte[]>> fetched = this.log.subList((int) this.position,
							this.log.size());
					this.position = this.log.size();
					fetched.forEach(record -> this.delivered.add(record.offset()));
					return new ConsumerRecords<>(Map.of(TIER, new ArrayList<>(fetched)), Map.of());
				}
			}
			Thread.sleep(10);
			return ConsumerRecords.empty();
		}).given(consumer).poll(any(Duration.class));
		willAnswer(invocation -> {
			synchronized (this) {
				this.position = invocation.getArgument(1);
				this.calls.add("seek " + this.position);
			}
			return null;
		}).given(consumer).seek(any(TopicPartition.class), anyLong());
		willAnswer(invocation -> {
			synchronized (this) {
				this.paused.addAll(invocation.getArgument(0));
			}
			return null;
		}).given(consumer).pause(any(Collection.class));
		willAnswer(invocation -> {
			synchronized (this) {
				this.paused.removeAll(invocation.getArgument(0));
			}
			return null;
		}).given(consumer).resume(any(Collection.class));
		given(consumer.paused()).willAnswer(invocation -> {
			synchronized (this) {
				return new HashSet<>(this.paused);
			}
		});
		willAnswer(invocation -> {
			committed(invocation.getArgument(0));
			return null;
		}).given(consumer).commitSync(any(Map.class));
		willAnswer(invocation -> {
			committed(invocation.getArgument(0));
			return null;
		}).given(consumer).commitSync(any(Map.class), any(Duration.class));
		willAnswer(invocation -> {
			committed(invocation.getArgument(0));
			return null;
		}).given(consumer).commitAsync(any(Map.class), any());
		return consumer;
	}

	private synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
		OffsetAndMetadata offset = offsets.get(TIER);
		if (offset != null) {
			this.calls.add("commit " + offset.offset());
		}
	}

	@Override
	public void close() {
		if (this.container != null) {
			this.container.stop();
		}
		this.partitionBackOff.destroy();
	}

	/**
	 * A producer that completes sends only when told, and that a template's close after each send leaves open, as
	 * the producer factory's cache would.
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

		@Override
		public Map<String, Object> getConfigurationProperties() {
			return new HashMap<>();
		}

	}

}
