package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * a commit that fails with RebalanceInProgressException is kept by the container (uncapped) and committed
 * again right after the next poll. If that poll delivered the rewound record again, the gate no longer knows it
 * was rewound, and lets the stale commit pass the record before it was processed again.
 */
class StaleCommitAfterRewindTests extends GatedContainerContract {

	@Test
	void staleCommitAfterRewindDoesNotPassTheRewoundRecord() {
		Set<String> failedOnce = ConcurrentHashMap.newKeySet();
		this.fixture.records(PARTITION, "A", "B", "C").subscribing();
		Set<String> armed = ConcurrentHashMap.newKeySet();
		this.fixture.start(AckMode.BATCH, value -> {
			if (value.equals("C") && armed.add(value)) {
				// The commit of the first poll fails: the group is rebalancing (cooperative protocol).
				this.fixture.nextCommitFailure = new RebalanceInProgressException("rebalancing");
			}
			return value.equals("A") && failedOnce.add(value);
		}, Duration.ofSeconds(30), Duration.ofMillis(100));

		await().atMost(Duration.ofSeconds(5)).until(() -> this.fixture.commits().contains(Map.of(PARTITION, 3L))
				&& this.fixture.delivered().size() == 6);
		this.fixture.close();
		// The first commit of 3 must come after A was delivered (and processed) again.
		String firstCommitOf3 = this.fixture.commitsWithDeliveries.stream()
			.filter(c -> c.startsWith("{orders-0=3}"))
			.findFirst()
			.orElseThrow();
		assertThat(firstCommitOf3).endsWith("after [A, B, C, A, B, C] delivered");
	}

}
