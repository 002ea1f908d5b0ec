package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A commit that keeps timing out is tried again every 100 ms, not in a burst, for the forward timeout after its
 * first time-out; then its outcome is read from the broker, which says the transaction never committed.
 */
class CommitTimingOutUntilForwardTimeoutTests {

	@Test
	void commitIsTriedAgainAtIntervalsUntilTheForwardTimeoutThenReadFromTheBroker() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			TopicPartition source = new TopicPartition(kafka.createTopic(KafkaTestClient.unique("orders"), 1), 0);
			ScriptedCommitProducer producer = new ScriptedCommitProducer(
					attempt -> new TimeoutException("Timeout expired while awaiting EndTxn(true)"));
			TransactionalHandOff handOff = producer.handOff(kafka.bootstrapServers(), Duration.ofSeconds(1));
			Producer<byte[], byte[]> inTransaction = handOff.begin();

			assertThatExceptionOfType(ForwardingFailedException.class)
				.isThrownBy(() -> handOff.commit(inTransaction, 0, Map.of(source, new OffsetAndMetadata(1)),
						new ConsumerGroupMetadata(KafkaTestClient.unique("order-service"))))
				.withMessageContaining("was aborted after its commit timed out")
				.withCauseInstanceOf(TimeoutException.class);
			// 1 s after the first time-out, a try at most every 100 ms.
			assertThat(producer.commitTries).isBetween(3, 11);
		}
	}

}
