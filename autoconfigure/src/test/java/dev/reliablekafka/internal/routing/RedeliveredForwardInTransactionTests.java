package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.ProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * With transactions on, a record forwarded again while its earlier forward is still in the open transaction (it
 * was delivered again without that transaction ending) must not leave both forwards to commit: the transaction is
 * aborted and the partition rewound, so that the record is forwarded once.
 */
class RedeliveredForwardInTransactionTests {

	private static final TopicPartition P = new TopicPartition("orders", 0);

	@Test
	@SuppressWarnings("unchecked")
	void secondForwardOfARecordInOneTransactionAbortsIt() {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
				new ByteArraySerializer()) {
			@Override
			public void close(Duration timeout) {
			}
		};
		producer.initTransactions();
		ProducerFactory<byte[], byte[]> factory = new ProducerFactory<>() {
			@Override
			public Producer<byte[], byte[]> createProducer() {
				return producer;
			}

			@Override
			public boolean transactionCapable() {
				return true;
			}
		};
		RecordForwarder forwarder = new RecordForwarder(factory, Duration.ofSeconds(2));
		Consumer<Object, Object> raw = mock(Consumer.class);
		given(raw.groupMetadata()).willReturn(new ConsumerGroupMetadata("order-service"));
		given(raw.assignment()).willReturn(Set.of(P));
		Consumer<Object, Object> consumer = new CommitGate(Duration.ofSeconds(2), Duration.ofMillis(100)).apply(raw);
		ForwardGate gate = ForwardGate.of(consumer);
		byte[] bytes = "A".getBytes(StandardCharsets.UTF_8);
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 0, bytes, bytes);

		gate.register(P, forward(gate, forwarder, record));
		gate.register(P, forward(gate, forwarder, record));
		consumer.commitSync(Map.of(P, new OffsetAndMetadata(1)));

		assertThat(producer.history()).hasSizeLessThanOrEqualTo(1);
	}

	private static PipelinedForward forward(ForwardGate gate, RecordForwarder forwarder,
			ConsumerRecord<byte[], byte[]> record) {
		return new PipelinedForward(record, "app.delay.1s", new RecordHeaders(), forwarder,
				(c, t, h) -> gate.sendInTransaction(forwarder, c, t, h), true, new PipelinedForward.Outcomes() {
					@Override
					public void acknowledged(ConsumerRecord<?, ?> r, String topic, boolean brief) {
					}

					@Override
					public void failed(ConsumerRecord<?, ?> r, String topic, boolean brief, Throwable cause) {
					}
				});
	}

}
