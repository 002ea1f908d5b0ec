package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: the forward of a failed record hangs (its tier's leader is unavailable). The consumer goes
 * on with its other partitions and commits them, well within the forward timeout; the hanging record's partition
 * is committed up to the record only, and the rest of it once the forward is acknowledged.
 */
class SlowForwardHoldsOnePartitionTests extends GatedContainerContract {

	private static final TopicPartition SLOW = new TopicPartition("orders", 0);

	private static final TopicPartition OTHER = new TopicPartition("orders", 1);

	@Test
	void otherPartitionsAreCommittedWhileAForwardHangs() {
		this.fixture.records(SLOW, "A", "B").records(OTHER, "X", "Y");
		this.fixture.start(AckMode.BATCH, "A"::equals, Duration.ofSeconds(60), Duration.ofMillis(100));

		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.fixture.commits()
				.stream()
				.anyMatch(commit -> Long.valueOf(2).equals(commit.get(OTHER))));
		assertThat(this.fixture.commits()).allSatisfy(commit -> assertThat(commit.getOrDefault(SLOW, 0L)).isZero());

		this.fixture.producer.completeNext();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.commits().contains(Map.of(SLOW, 2L)));
		assertThat(this.fixture.delivered()).containsExactlyInAnyOrder("A", "B", "X", "Y");
		assertThat(this.fixture.calls()).noneMatch(call -> call.startsWith("seek"));
	}

}
