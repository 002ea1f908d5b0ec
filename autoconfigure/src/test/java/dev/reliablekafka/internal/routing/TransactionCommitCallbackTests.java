package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * With transactions on, an asynchronous commit whose offsets the poll's transaction committed, so that nothing is
 * left for the consumer to commit, still calls the caller's callback with what was committed.
 */
class TransactionCommitCallbackTests {

	private static final TopicPartition P = new TopicPartition("orders", 0);

	@Test
	@SuppressWarnings("unchecked")
	void callbackHearsOfOffsetsCommittedWithTheTransaction() {
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
		gate.register(P, new PipelinedForward(record, "app.delay.1s", new RecordHeaders(), forwarder,
				(c, t, h) -> gate.sendInTransaction(forwarder, c, t, h), true, new PipelinedForward.Outcomes() {
					@Override
					public void acknowledged(ConsumerRecord<?, ?> r, String topic, boolean brief) {
					}

					@Override
					public void failed(ConsumerRecord<?, ?> r, String topic, boolean brief, Throwable cause) {
					}
				}));
		List<Map<TopicPartition, OffsetAndMetadata>> heard = new ArrayList<>();

		consumer.commitAsync(Map.of(P, new OffsetAndMetadata(1)), (offsets, ex) -> heard.add(offsets));

		assertThat(producer.commitCount()).isEqualTo(1);
		assertThat(heard).containsExactly(Map.of(P, new OffsetAndMetadata(1)));
	}

}
