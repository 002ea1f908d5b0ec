package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With transactions on, a forward that timed out while awaited must not stay in the open poll transaction, where
 * the redelivered record's new forward would supersede it and the next commit would commit both sends: the
 * failed forward aborts its transaction at once.
 */
class SupersededForwardInTransactionTests extends GatedContainerContract {

	SupersededForwardInTransactionTests() {
		super(true);
	}

	@Test
	void timedOutForwardIsNotCommittedWithItsRetry() {
		AtomicInteger failures = new AtomicInteger();
		this.fixture.records(PARTITION, "A", "B", "C");
		this.fixture.start(AckMode.BATCH, value -> value.equals("A") && failures.incrementAndGet() <= 3,
				Duration.ofMillis(500), Duration.ofMillis(100));

		// Delivery 1 (pipelined, T1) times out: T1 aborted, rewound. Delivery 2 (awaited, T2) times out. Delivery 3
		// sends again: it must be the only forward of A in its transaction.
		await().atMost(Duration.ofSeconds(20)).until(() -> this.fixture.delivered().stream()
			.filter("A"::equals)
			.count() == 3 && this.fixture.producer.uncommittedRecords().size() >= 1);
		// The broker acknowledges everything still pending (the timed-out send of delivery 2 too, as a real
		// producer whose delivery.timeout.ms exceeds the forward timeout would).
		while (this.fixture.producer.completeNext()) {
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> this.fixture.producer.commitCount() >= 1);
		List<String> committed = this.fixture.producer.history().stream()
			.map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
		assertThat(committed).containsExactly("A");
	}

}
