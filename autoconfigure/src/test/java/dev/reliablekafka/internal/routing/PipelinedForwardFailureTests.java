package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: a failed record's forward fails after the listener moved on to the records behind it. The
 * commit of the poll must not pass the record: its partition is committed up to it and rewound to it, the record
 * and those behind it are delivered again (processed twice, never lost), and only then is the poll committed.
 */
class PipelinedForwardFailureTests extends GatedContainerContract {

	@Test
	void failedForwardRewindsItsPartitionAndIsNeverCommittedPast() {
		this.fixture.records(PARTITION, "A", "B", "C");
		this.fixture.start(AckMode.BATCH, failingOnce(value -> value.equals("A")),
				Duration.ofSeconds(30), Duration.ofSeconds(10));

		// The listener moves on while A's forward is in flight.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.delivered().contains("C"));
		assertThat(this.fixture.producer.history()).hasSize(1);
		assertThat(this.fixture.commits()).isEmpty();
		this.fixture.producer.errorNext(new IllegalStateException("broker unavailable"));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.commits().contains(Map.of(PARTITION, 3L)));
		assertThat(this.fixture.delivered()).containsExactly("A", "B", "C", "A", "B", "C");
		// Nothing past A before it was delivered again: rewound to A, committed up to A.
		List<String> calls = this.fixture.calls();
		assertThat(calls.subList(0, calls.indexOf("commit {orders-0=3}")))
			.containsExactly("seek orders-0 0", "commit {orders-0=0}");
		assertThat(this.fixture.producer.history()).hasSize(1);
	}

}
