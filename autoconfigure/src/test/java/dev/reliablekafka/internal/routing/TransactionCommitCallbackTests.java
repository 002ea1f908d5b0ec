package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static dev.reliablekafka.internal.routing.TransactionalForwarding.IGNORED;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.P;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.forward;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.gated;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.keptOpenProducer;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.recordA;
import static dev.reliablekafka.internal.routing.TransactionalForwarding.transactionCapable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * With transactions on, an asynchronous commit whose offsets the poll's transaction committed, so that nothing is
 * left for the consumer to commit, still calls the caller's callback with what was committed.
 */
class TransactionCommitCallbackTests {

	@Test
	@SuppressWarnings("unchecked")
	void callbackHearsOfOffsetsCommittedWithTheTransaction() {
		MockProducer<byte[], byte[]> producer = keptOpenProducer(true);
		RecordForwarder forwarder = new RecordForwarder(transactionCapable(() -> producer), Duration.ofSeconds(2));
		Consumer<Object, Object> consumer = gated(mock(Consumer.class));
		ForwardGate gate = ForwardGate.of(consumer);
		ConsumerRecord<byte[], byte[]> record = recordA();
		gate.register(P, forward(gate, forwarder, record, new RecordHeaders(), IGNORED));
		List<Map<TopicPartition, OffsetAndMetadata>> heard = new ArrayList<>();

		consumer.commitAsync(Map.of(P, new OffsetAndMetadata(1)), (offsets, ex) -> heard.add(offsets));

		assertThat(producer.commitCount()).isEqualTo(1);
		assertThat(heard).containsExactly(Map.of(P, new OffsetAndMetadata(1)));
	}

}
