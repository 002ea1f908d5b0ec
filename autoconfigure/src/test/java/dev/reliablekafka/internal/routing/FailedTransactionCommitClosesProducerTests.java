package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import static dev.reliablekafka.internal.routing.TransactionalForwarding.transactionCapable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A transaction whose commit fails at once (not a time-out) leaves its producer in error: the producer is closed,
 * not leaked.
 */
class FailedTransactionCommitClosesProducerTests {

	@Test
	void producerIsClosedWhenTheCommitFails() {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
				new ByteArraySerializer());
		producer.initTransactions();
		producer.commitTransactionException = new KafkaException("the producer is fenced");
		TransactionalHandOff handOff = new TransactionalHandOff(transactionCapable(() -> producer),
				Duration.ofSeconds(1));
		Producer<byte[], byte[]> inTransaction = handOff.begin();

		assertThatExceptionOfType(ForwardingFailedException.class).isThrownBy(() -> handOff.commit(inTransaction, 0,
				Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(1)),
				new ConsumerGroupMetadata("order-service")));
		assertThat(producer.closed()).isTrue();
	}

}
