package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.kafka.core.ProducerFactory;

import dev.reliablekafka.ReliableHeaders;

import static dev.reliablekafka.internal.routing.TransactionalForwarding.P;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.forward;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.gated;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.keptOpenProducer;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.recordA;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.transactionCapable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * With transactions on, a forward refused as too large must not be re-sent brief in a second transaction while
 * the first commits the record's offset (giving the partition up would then abort the second: offset committed,
 * forward undone). The refusal fails the transaction instead; the brief form goes when the record comes back.
 */
class BriefResendInTransactionTests {

	@Test
	@SuppressWarnings("unchecked")
	void tooLargeForwardIsNeverCommittedApartFromItsOffset() {
		List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
		ProducerFactory<byte[], byte[]> factory = transactionCapable(() -> {
			MockProducer<byte[], byte[]> producer = keptOpenProducer(!producers.isEmpty());
			producers.add(producer);
			return producer;
		});
		RecordForwarder forwarder = new RecordForwarder(factory, Duration.ofSeconds(2));
		Consumer<Object, Object> raw = mock(Consumer.class);
		Consumer<Object, Object> consumer = gated(raw);
		ConsumerRebalanceListener containerListener = mock(ConsumerRebalanceListener.class);
		consumer.subscribe(List.of("orders"), containerListener);
		ArgumentCaptor<ConsumerRebalanceListener> gated = ArgumentCaptor.forClass(ConsumerRebalanceListener.class);
		verify(raw).subscribe(any(Collection.class), gated.capture());
		ForwardGate gate = ForwardGate.of(consumer);

		ConsumerRecord<byte[], byte[]> record = recordA();
		RecordHeaders headers = new RecordHeaders();
		headers.add(ReliableHeaders.EXCEPTION_STACKTRACE, new byte[100]);
		List<String> outcomes = new ArrayList<>();
		PipelinedForward forward = forward(gate, forwarder, record, headers, new PipelinedForward.Outcomes() {
			@Override
			public void acknowledged(ConsumerRecord<?, ?> r, String topic, boolean brief) {
				outcomes.add("acknowledged brief=" + brief);
			}

			@Override
			public void failed(ConsumerRecord<?, ?> r, String topic, boolean brief, Throwable cause) {
				outcomes.add("failed " + cause);
			}
		});
		gate.register(P, forward);
		producers.get(0).errorNext(new RecordTooLargeException("too large with the stack trace"));

		// The container commits the poll (record A handed over).
		consumer.commitSync(Map.of(P, new OffsetAndMetadata(1)));

		// The partition is revoked before anything else commits.
		gated.getValue().onPartitionsRevoked(List.of(P));

		boolean offsetCommitted = producers.get(0).consumerGroupOffsetsHistory().stream()
			.anyMatch(m -> m.getOrDefault("order-service", Map.of()).containsKey(P));
		// The first producer's history holds the send the broker refused (MockProducer keeps failed sends): only
		// the brief re-send, in the second producer, would have reached the delay tier.
		boolean forwardCommitted = producers.size() > 1 && !producers.get(1).history().isEmpty();
		// Never: the record's offset committed while its forward was not.
		assertThat(offsetCommitted && !forwardCommitted).as("offset committed without its forward").isFalse();
	}

}
