package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract with transactions on: the transaction of a poll's forwards does not commit. Nothing of it
 * took effect, so the partition is rewound to its first forwarded record, the records before it are committed,
 * and the record and those behind it are delivered again: processed twice, never lost.
 */
class FailedPollTransactionTests extends GatedContainerContract {

	FailedPollTransactionTests() {
		super(true);
	}

	@Test
	void failedTransactionRewindsToItsFirstForward() {
		this.fixture.producer.commitTransactionException = new KafkaException("transaction aborted");
		this.fixture.records(PARTITION, IntStream.range(0, 20).mapToObj(i -> "r" + i).toArray(String[]::new));
		this.fixture.start(AckMode.BATCH, failingOnce(value -> value.equals("r3") || value.equals("r13")),
				Duration.ofSeconds(30), Duration.ofSeconds(10));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.delivered().size() == 20);
		this.fixture.producer.completeNext();
		this.fixture.producer.completeNext();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.commits().contains(Map.of(PARTITION, 20L)));
		this.fixture.close();
		assertThat(this.fixture.producer.commitCount()).isZero();
		assertThat(this.fixture.calls()).containsExactly("seek orders-0 3", "commit {orders-0=3}",
				"commit {orders-0=20}");
		assertThat(this.fixture.delivered()).hasSize(37);
		assertThat(this.fixture.delivered().subList(20, 37)).first().isEqualTo("r3");
	}

}
