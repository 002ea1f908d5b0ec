package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract, RECORD ack mode: the forward of a failed record fails while the commit of that record waits
 * for it. The partition is rewound to the record in the middle of the poll; the records of the poll behind it are
 * still processed, but no commit passes the record until it is delivered again.
 */
class RecordAckForwardFailureTests extends GatedContainerContract {

	@Test
	void noCommitPassesTheRewoundRecordBeforeItIsDeliveredAgain() {
		this.fixture.records(PARTITION, "A", "B", "C");
		this.fixture.start(AckMode.RECORD, failingOnce(value -> value.equals("A")),
				Duration.ofSeconds(30), Duration.ofSeconds(10));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.history().size() == 1);
		this.fixture.producer.errorNext(new IllegalStateException("broker unavailable"));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.commits().contains(Map.of(PARTITION, 3L)));
		assertThat(this.fixture.delivered()).containsExactly("A", "B", "C", "A", "B", "C");
		List<String> calls = this.fixture.calls();
		assertThat(calls).containsSubsequence("seek orders-0 0", "commit {orders-0=1}", "commit {orders-0=2}",
				"commit {orders-0=3}");
		// Before A was delivered again: rewound to A, and B and C committed only up to A.
		assertThat(calls.subList(0, calls.indexOf("commit {orders-0=1}"))).containsExactly("seek orders-0 0",
				"commit {orders-0=0}", "commit {orders-0=0}", "commit {orders-0=0}");
	}

}
