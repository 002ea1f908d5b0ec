package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import dev.reliablekafka.internal.breaker.OutageBreaker;
import dev.reliablekafka.internal.policy.BreakerPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract of the outage breaker, RETRY_TOPIC: an outage opens the breaker on B, then the outage ends, but
 * B itself keeps failing with a retryable exception (a failure of that record, not of the dependency). The probe is
 * always B, so the breaker must not stay open on it forever: B is bounded by the listener's retry path (forwarded to
 * its delay tier or dead-lettered once its retries are used up) and every other record, of both partitions, is
 * processed.
 */
class BreakerFailingProbeTests extends GatedContainerContract {

	private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

	private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

	@Test
	void aProbeThatKeepsFailingDoesNotHoldTheListenerForever() {
		AtomicBoolean down = new AtomicBoolean(true);
		this.fixture.records(ORDERS_0, "A", "B", "C")
			.records(ORDERS_1, "D", "E", "F")
			.breaker(new BreakerPolicy(true, 10, 0.5, 2, Duration.ofMillis(100), 1.0, Duration.ofMillis(100),
					List.of()));
		this.fixture.start(AckMode.BATCH, value -> down.get() || value.equals("B"), Duration.ofSeconds(30),
				Duration.ofMillis(100));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.history().size() == 1);
		this.fixture.producer.completeNext(); // A's forward
		OutageBreaker breaker = this.fixture.outageBreaker();
		await().atMost(Duration.ofSeconds(10)).until(() -> breaker.state() != OutageBreaker.State.CLOSED);
		down.set(false); // the dependency is back; only B fails, for a reason of its own

		// Complete whatever B's retry path forwards, so that the commit gate never holds a commit on it.
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			while (this.fixture.producer.completeNext()) {
				// acknowledge every forward sent so far
			}
			assertThat(this.fixture.delivered()).as("records delivered; breaker %s", breaker.state())
				.contains("C", "D", "E", "F");
		});
	}

}
