package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.core.ProducerFactory;

import static org.mockito.BDDMockito.given;

/**
 * Pieces of the tests of forwards in a poll's transaction without a container: a transaction-capable producer
 * factory, producers that stay readable once closed, a consumer of {@code order-service} assigned {@code orders-0}
 * behind the commit gate, and a record's pipelined forward to the delay tier, sent in the gate's transaction.
 */
final class TransactionalForwarding {

	static final TopicPartition P = new TopicPartition("orders", 0);

	/** A forward's outcomes that a test does not look at. */
	static final PipelinedForward.Outcomes IGNORED = new PipelinedForward.Outcomes() {
		@Override
		public void acknowledged(ConsumerRecord<?, ?> r, String topic, boolean brief) {
		}

		@Override
		public void failed(ConsumerRecord<?, ?> r, String topic, boolean brief, Throwable cause) {
		}
	};

	private TransactionalForwarding() {
	}

	/**
	 * A transactional mock producer whose close is ignored, so that its history is still there to read.
	 * @param autoComplete whether sends complete at once
	 * @return the producer, transactions initialized
	 */
	static MockProducer<byte[], byte[]> keptOpenProducer(boolean autoComplete) {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(),
				new ByteArraySerializer()) {
			@Override
			public void close(Duration timeout) {
			}
		};
		producer.initTransactions();
		return producer;
	}

	/**
	 * A transaction-capable factory.
	 * @param producers gives each producer the factory creates
	 * @return the factory
	 */
	static ProducerFactory<byte[], byte[]> transactionCapable(Supplier<Producer<byte[], byte[]>> producers) {
		return new ProducerFactory<>() {
			@Override
			public Producer<byte[], byte[]> createProducer() {
				return producers.get();
			}

			@Override
			public boolean transactionCapable() {
				return true;
			}
		};
	}

	/**
	 * The consumer as the container sees it: the raw consumer of {@code order-service}, assigned {@code orders-0},
	 * behind a commit gate that waits up to 2 s for forwards.
	 * @param raw a mocked consumer
	 * @return the gated consumer
	 */
	static Consumer<Object, Object> gated(Consumer<Object, Object> raw) {
		given(raw.groupMetadata()).willReturn(new ConsumerGroupMetadata("order-service"));
		given(raw.assignment()).willReturn(Set.of(P));
		return new CommitGate(Duration.ofSeconds(2), Duration.ofMillis(100)).apply(raw);
	}

	/**
	 * Record {@code A} at offset 0 of {@code orders-0}.
	 * @return the record
	 */
	static ConsumerRecord<byte[], byte[]> recordA() {
		byte[] bytes = "A".getBytes(StandardCharsets.UTF_8);
		return new ConsumerRecord<>("orders", 0, 0, bytes, bytes);
	}

	/**
	 * A record's forward to {@code app.delay.1s} in the gate's transaction, pipelined.
	 * @param gate the consumer's forward gate
	 * @param forwarder sends the forward
	 * @param record the failed record
	 * @param headers the forward's headers
	 * @param outcomes hears how the forward ends
	 * @return the forward, to register with the gate
	 */
	static PipelinedForward forward(ForwardGate gate, RecordForwarder forwarder, ConsumerRecord<byte[], byte[]> record,
			RecordHeaders headers, PipelinedForward.Outcomes outcomes) {
		return new PipelinedForward(record, "app.delay.1s", headers, forwarder,
				(c, t, h) -> gate.sendInTransaction(forwarder, c, t, h), true, outcomes);
	}

}
