package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: a poll's commit held a partition back because a forward was still in flight, and then the
 * partition is revoked. The revocation waits for the forward and commits the partition in full, so that the next
 * owner does not forward the record a second time.
 */
class RevocationWaitsForForwardsTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final GatedContainer fixture = new GatedContainer().subscribing();

	@AfterEach
	void stop() {
		this.fixture.close();
	}

	@Test
	void revocationCommitsWhatWasHeldBackOnceTheForwardIsAcknowledged() {
		this.fixture.records(PARTITION, "A", "B", "C");
		this.fixture.start(AckMode.BATCH, "A"::equals, Duration.ofSeconds(30), Duration.ofMillis(100));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.commits().contains(Map.of(PARTITION, 0L)));
		this.fixture.revokeAtNextPoll();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.calls().contains("revoke start"));
		this.fixture.producer.completeNext();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.calls().contains("revoke end"));
		List<String> calls = this.fixture.calls();
		assertThat(calls.subList(calls.indexOf("revoke start"), calls.size())).containsExactly("revoke start",
				"commit {orders-0=3}", "revoke end");
		assertThat(calls.subList(0, calls.indexOf("revoke start"))).containsOnly("commit {orders-0=0}");
		assertThat(this.fixture.delivered()).containsExactly("A", "B", "C");
	}

}
