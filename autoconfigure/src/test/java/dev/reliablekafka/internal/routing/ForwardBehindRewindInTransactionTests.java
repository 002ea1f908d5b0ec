package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With transactions on, a partition rewound after a failed poll transaction goes on being processed for the rest
 * of the poll. A later record of it that fails must not be forwarded and committed (offsets capped at the rewound
 * record) and then forwarded again on redelivery: one committed forward per record.
 */
class ForwardBehindRewindInTransactionTests extends GatedContainerContract {

	ForwardBehindRewindInTransactionTests() {
		super(true);
	}

	@Test
	void recordBehindARewoundOneIsForwardedOnce() throws Exception {
		Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
		this.fixture.records(PARTITION, "A", "B", "C", "D");
		this.fixture.start(AckMode.RECORD, value -> (value.equals("A") && failures
			.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet() <= 1)
				|| (value.equals("B") && failures.computeIfAbsent(value, v -> new AtomicInteger())
					.incrementAndGet() <= 2),
				Duration.ofSeconds(5), Duration.ofMillis(100));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.uncommittedRecords().size() == 1);
		this.fixture.producer.errorNext(new IllegalStateException("broker unavailable")); // A's forward fails
		long end = System.currentTimeMillis() + 6000;
		while (System.currentTimeMillis() < end) {
			this.fixture.producer.completeNext();
			Thread.sleep(20);
		}
		List<String> committed = this.fixture.producer.history().stream()
			.map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
		assertThat(committed.stream().filter("B"::equals)).hasSize(1);
	}

}
