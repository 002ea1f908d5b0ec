package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
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
 * With transactions on, a record forwarded again while its earlier forward is still in the open transaction (it
 * was delivered again without that transaction ending) must not leave both forwards to commit: the transaction is
 * aborted and the partition rewound, so that the record is forwarded once.
 */
class RedeliveredForwardInTransactionTests {

	@Test
	@SuppressWarnings("unchecked")
	void secondForwardOfARecordInOneTransactionAbortsIt() {
		MockProducer<byte[], byte[]> producer = keptOpenProducer(true);
		RecordForwarder forwarder = new RecordForwarder(transactionCapable(() -> producer), Duration.ofSeconds(2));
		Consumer<Object, Object> consumer = gated(mock(Consumer.class));
		ForwardGate gate = ForwardGate.of(consumer);
		ConsumerRecord<byte[], byte[]> record = recordA();

		gate.register(P, forward(gate, forwarder, record, new RecordHeaders(), IGNORED));
		gate.register(P, forward(gate, forwarder, record, new RecordHeaders(), IGNORED));
		consumer.commitSync(Map.of(P, new OffsetAndMetadata(1)));

		assertThat(producer.history()).hasSizeLessThanOrEqualTo(1);
	}

}
