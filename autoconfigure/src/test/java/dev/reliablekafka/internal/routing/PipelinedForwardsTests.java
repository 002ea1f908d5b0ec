package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract, BATCH ack mode with one record in ten failing: the failed records are forwarded without
 * waiting, so the listener processes the whole poll before any forward is acknowledged, and the poll is committed
 * once, after the forwards of the records it covers were acknowledged.
 */
class PipelinedForwardsTests extends GatedContainerContract {

	@Test
	void forwardsOfAPollAreAwaitedOnceByItsCommit() {
		Set<String> failing = Set.of("r3", "r13");
		this.fixture.records(PARTITION, IntStream.range(0, 20).mapToObj(i -> "r" + i).toArray(String[]::new));
		this.fixture.start(AckMode.BATCH, failing::contains, Duration.ofSeconds(30), Duration.ofSeconds(10));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.delivered().size() == 20);
		assertThat(this.fixture.producer.history()).hasSize(2);
		assertThat(this.fixture.commits()).isEmpty();
		this.fixture.producer.completeNext();
		this.fixture.producer.completeNext();

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.fixture.commits().isEmpty());
		assertThat(this.fixture.producer.history()).allSatisfy(sent -> assertThat(sent.topic())
			.isEqualTo(GatedContainer.TIER));
		this.fixture.close();
		assertThat(this.fixture.commits()).containsExactly(Map.of(PARTITION, 20L));
		assertThat(this.fixture.delivered()).hasSize(20);
	}

}
