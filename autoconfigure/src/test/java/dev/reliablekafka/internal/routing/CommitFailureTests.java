package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: a record is processed, but committing its offset fails with a
 * {@link CommitFailedException} (the group rebalanced meanwhile). spring-kafka hands the commit failure to the
 * failure router as if the listener had failed: as it is when the container committed, wrapped when the
 * listener's own acknowledgement committed. The router must not count it as a failed attempt nor forward the
 * processed record: the record and the rest of the poll are delivered again, so that nothing is skipped.
 */
class CommitFailureTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	@Test
	void failedCommitIsNeitherForwardedNorSkipped() {
		try (GatedContainer container = new GatedContainer().records(PARTITION, "A", "B")) {
			container.nextCommitFailure = new CommitFailedException("rebalanced meanwhile");
			container.start(AckMode.RECORD, value -> false, Duration.ofSeconds(5), Duration.ofMillis(50));

			await().atMost(Duration.ofSeconds(10)).until(() -> container.commits().contains(Map.of(PARTITION, 2L)));

			assertThat(container.producer.history()).as("records forwarded").isEmpty();
			// A was processed but its commit failed: it is delivered again (a duplicate, never a loss), then B.
			assertThat(container.delivered()).containsExactly("A", "A", "B");
			assertThat(container.calls()).startsWith("seek orders-0 0")
				.containsSubsequence("seek orders-0 0", "commit {orders-0=1}", "commit {orders-0=2}");
		}
	}

	@Test
	void failedAcknowledgementIsNeitherForwardedNorSkipped() {
		try (GatedContainer container = new GatedContainer().records(PARTITION, "A", "B").acknowledging()) {
			container.nextCommitFailure = new CommitFailedException("rebalanced meanwhile");
			container.start(AckMode.MANUAL_IMMEDIATE, value -> false, Duration.ofSeconds(5), Duration.ofMillis(50));

			await().atMost(Duration.ofSeconds(10)).until(() -> container.commits().contains(Map.of(PARTITION, 2L)));

			assertThat(container.producer.history()).as("records forwarded").isEmpty();
			// The listener's acknowledgement of A failed: A is delivered again, then B.
			assertThat(container.delivered()).containsExactly("A", "A", "B");
			assertThat(container.commits()).startsWith(Map.of(PARTITION, 1L)).endsWith(Map.of(PARTITION, 2L));
		}
	}

}
