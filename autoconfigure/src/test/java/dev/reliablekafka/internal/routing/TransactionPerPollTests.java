package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract with transactions on, BATCH ack mode, one record in ten failing: the forwards of a poll are
 * sent without waiting, in one transaction, which the poll's commit commits with the poll's offsets instead of
 * the consumer committing them.
 */
class TransactionPerPollTests extends GatedContainerContract {

	TransactionPerPollTests() {
		super(true);
	}

	@Test
	void forwardsAndOffsetsOfAPollAreOneTransaction() {
		Set<String> failing = Set.of("r3", "r13");
		this.fixture.records(PARTITION, IntStream.range(0, 20).mapToObj(i -> "r" + i).toArray(String[]::new));
		this.fixture.start(AckMode.BATCH, failing::contains, Duration.ofSeconds(30), Duration.ofSeconds(10));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.delivered().size() == 20);
		assertThat(this.fixture.producer.uncommittedRecords()).hasSize(2);
		this.fixture.producer.completeNext();
		this.fixture.producer.completeNext();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.commitCount() > 0);
		this.fixture.close();
		assertThat(this.fixture.producer.commitCount()).isOne();
		assertThat(this.fixture.producer.history()).extracting(sent -> sent.topic())
			.containsExactly(GatedContainer.TIER, GatedContainer.TIER);
		assertThat(this.fixture.producer.consumerGroupOffsetsHistory()).singleElement()
			.satisfies(offsets -> assertThat(offsets.get("order-service").get(PARTITION).offset()).isEqualTo(20));
		assertThat(this.fixture.commits()).isEmpty();
		assertThat(this.fixture.delivered()).hasSize(20);
		assertThat(this.fixture.calls()).isEqualTo(List.of());
	}

}
