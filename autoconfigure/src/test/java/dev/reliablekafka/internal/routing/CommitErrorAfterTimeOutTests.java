package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A commit that timed out is tried again; when that try fails with another error, the first may still have reached
 * the broker, so the outcome is not taken as a failure but read from the broker (here: it never committed), and the
 * time-out is kept with the error.
 */
class CommitErrorAfterTimeOutTests {

	@Test
	void errorOnTheRetriedCommitLeavesTheOutcomeToTheBroker() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			TopicPartition source = new TopicPartition(kafka.createTopic(KafkaTestClient.unique("orders"), 1), 0);
			TimeoutException timedOut = new TimeoutException("Timeout expired while awaiting EndTxn(true)");
			KafkaException fenced = new KafkaException("the producer is fenced");
			ScriptedCommitProducer producer = new ScriptedCommitProducer(attempt -> (attempt == 1) ? timedOut : fenced);
			TransactionalHandOff handOff = producer.handOff(kafka.bootstrapServers(), Duration.ofSeconds(5));
			Producer<byte[], byte[]> inTransaction = handOff.begin();

			assertThatExceptionOfType(ForwardingFailedException.class)
				.isThrownBy(() -> handOff.commit(inTransaction, 0, Map.of(source, new OffsetAndMetadata(1)),
						new ConsumerGroupMetadata(KafkaTestClient.unique("order-service"))))
				.withMessageContaining("was aborted after its commit timed out")
				.havingCause()
				.isSameAs(fenced);
			assertThat(fenced.getSuppressed()).containsExactly(timedOut);
			assertThat(producer.commitTries).isEqualTo(2);
		}
	}

}
