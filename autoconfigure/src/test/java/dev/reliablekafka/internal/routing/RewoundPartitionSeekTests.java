package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract, RECORD ack mode: A's forward fails and its partition is rewound to A in the middle of the
 * poll; then B of the same poll fails too and counts as handed over in place (it is not forwarded: it comes back
 * with A), which seeks the partition past B. That seek must not move the partition past A: A is delivered again,
 * and no commit passes it before.
 */
class RewoundPartitionSeekTests extends GatedContainerContract {

	@Test
	void aSeekPastARewoundRecordStopsAtIt() {
		this.fixture.records(PARTITION, "A", "B", "C");
		this.fixture.start(AckMode.RECORD, failingOnce(value -> !value.equals("C")),
				Duration.ofSeconds(30), Duration.ofSeconds(10));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.history().size() == 1);
		this.fixture.producer.errorNext(new IllegalStateException("broker unavailable"));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.commits().contains(Map.of(PARTITION, 3L)));
		assertThat(this.fixture.delivered()).startsWith("A", "B", "A");
		// B comes back with A: it is not forwarded behind the rewound record, only when it fails again.
		assertThat(this.fixture.producer.history()).hasSize(1);
		List<String> calls = this.fixture.calls();
		List<String> beforeRedelivery = calls.subList(0, calls.indexOf("commit {orders-0=1}"));
		assertThat(beforeRedelivery).contains("seek orders-0 0").allSatisfy(call -> assertThat(call)
			.isIn("seek orders-0 0", "commit {orders-0=0}"));
	}

}
