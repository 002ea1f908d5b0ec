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
 * An interrupt while a timed-out commit waits to be tried again stops the retries, but the caller still gets the
 * outcome read from the broker (here: it never committed) rather than a guess, and the thread stays interrupted.
 */
class InterruptedCommitRetryTests {

	@Test
	void interruptStopsTheRetriesAndTheOutcomeIsStillReadFromTheBroker() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			TopicPartition source = new TopicPartition(kafka.createTopic(KafkaTestClient.unique("orders"), 1), 0);
			ScriptedCommitProducer producer = new ScriptedCommitProducer(
					attempt -> (attempt == 1) ? new TimeoutException("Timeout expired while awaiting EndTxn(true)")
							: null);
			TransactionalHandOff handOff = producer.handOff(kafka.bootstrapServers(), Duration.ofSeconds(5));
			Producer<byte[], byte[]> inTransaction = handOff.begin();

			boolean stillInterrupted;
			Thread.currentThread().interrupt();
			try {
				assertThatExceptionOfType(ForwardingFailedException.class)
					.isThrownBy(() -> handOff.commit(inTransaction, 0, Map.of(source, new OffsetAndMetadata(1)),
							new ConsumerGroupMetadata(KafkaTestClient.unique("order-service"))))
					.withMessageContaining("was aborted after its commit timed out");
			}
			finally {
				stillInterrupted = Thread.interrupted();
			}
			assertThat(stillInterrupted).isTrue();
			assertThat(producer.commitTries).isEqualTo(1);
		}
	}

}
