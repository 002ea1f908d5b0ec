package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.support.Acknowledgment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MANUAL acks: C's acknowledgment, kept by the listener from the first poll (A was handed over then), is given
 * only once A is delivered again after its forward failed. A fails again; the container commits the acknowledged
 * offsets before handling that failure. That commit must not pass A, which is delivered again but not yet handed
 * over.
 */
class StaleAckAfterRewindTests extends GatedContainerContract {

	@Test
	void anAcknowledgmentFromAnEarlierPollDoesNotPassARedeliveredRecord() {
		AtomicInteger deliveriesOfA = new AtomicInteger();
		AtomicReference<Acknowledgment> ackOfC = new AtomicReference<>();
		this.fixture.records(PARTITION, "A", "B", "C").acknowledging((value, ack) -> {
			if (value.equals("C") && ackOfC.get() == null) {
				ackOfC.set(ack); // acknowledged later, when its work is done
				return;
			}
			if (value.equals("A")) {
				if (deliveriesOfA.incrementAndGet() == 2) {
					ackOfC.get().acknowledge();
				}
				if (deliveriesOfA.get() <= 2) {
					throw new IllegalStateException("failed: A");
				}
			}
			ack.acknowledge();
		});
		this.fixture.start(AckMode.MANUAL, value -> false, Duration.ofSeconds(30), Duration.ofSeconds(10));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.history().size() == 1);
		this.fixture.producer.errorNext(new IllegalStateException("broker unavailable")); // A's first forward
		await().atMost(Duration.ofSeconds(10)).until(() -> deliveriesOfA.get() == 2
				&& this.fixture.producer.history().size() == 2);
		List<String> whileAIsForwardedAgain = this.fixture.calls();
		this.fixture.producer.completeNext(); // A's second forward
		assertThat(whileAIsForwardedAgain).doesNotContain("commit {orders-0=3}");
	}

}
