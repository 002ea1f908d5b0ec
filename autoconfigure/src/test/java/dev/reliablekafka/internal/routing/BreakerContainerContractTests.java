package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import dev.reliablekafka.internal.breaker.OutageBreaker;
import dev.reliablekafka.internal.policy.BreakerPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract of the outage breaker, RETRY_TOPIC: A fails and is forwarded, B's failure opens the breaker.
 * B is kept in place: not forwarded, and no commit passes it (nor any record of the other partition, which was
 * polled with it). Every partition is paused; after the wait only B is tried again, first, and while it fails
 * nothing behind it is delivered. Once B succeeds the breaker closes, the partitions are resumed and the rest
 * follows.
 */
class BreakerContainerContractTests extends GatedContainerContract {

	private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

	private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

	@Test
	void whileOpenNothingIsCommittedPastTheKeptRecordAndEveryPartitionWaits() {
		// B fails on its first delivery and on two tries after it (fewer than OutageBreaker.SAME_RECORD_TRIES), so
		// it stays in place; every record fails until then, and all succeed from B's next try on.
		AtomicInteger triesOfB = new AtomicInteger();
		AtomicReference<List<String>> whileDownRef = new AtomicReference<>();
		AtomicReference<List<Map<TopicPartition, Long>>> commitsWhileDownRef = new AtomicReference<>();
		AtomicReference<List<String>> callsWhileDownRef = new AtomicReference<>();
		this.fixture.records(ORDERS_0, "A", "B", "C")
			.records(ORDERS_1, "D", "E", "F")
			.breaker(new BreakerPolicy(true, 10, 0.5, 2, Duration.ofMillis(200), 1.0, Duration.ofMillis(200),
					List.of()));
		this.fixture.start(AckMode.BATCH, value -> {
			if (!value.equals("B")) {
				return triesOfB.get() < 3;
			}
			if (triesOfB.incrementAndGet() == 3) {
				whileDownRef.set(this.fixture.delivered());
				commitsWhileDownRef.set(this.fixture.commits());
				callsWhileDownRef.set(this.fixture.calls());
			}
			return triesOfB.get() <= 3;
		}, Duration.ofSeconds(30), Duration.ofMillis(100));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.history().size() == 1);
		this.fixture.producer.completeNext(); // A's forward
		OutageBreaker breaker = this.fixture.outageBreaker();
		await().atMost(Duration.ofSeconds(10)).until(() -> breaker.state() != OutageBreaker.State.CLOSED);
		// B is tried again after the wait, alone, and fails again.
		await().atMost(Duration.ofSeconds(10)).until(() -> whileDownRef.get() != null);
		List<String> whileDown = whileDownRef.get();
		List<Map<TopicPartition, Long>> commitsWhileDown = commitsWhileDownRef.get();
		List<String> callsWhileDown = callsWhileDownRef.get();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.commits()
			.stream()
			.anyMatch(commit -> commit.getOrDefault(ORDERS_0, 0L) == 3 && commit.getOrDefault(ORDERS_1, 0L) == 3));
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
		// Only A was forwarded; B stayed in place, and nothing behind it was delivered while it failed.
		assertThat(this.fixture.producer.history()).hasSize(1);
		assertThat(whileDown.subList(0, 2)).containsExactly("A", "B");
		assertThat(whileDown.subList(2, whileDown.size())).containsOnly("B");
		List<String> delivered = this.fixture.delivered();
		assertThat(delivered.subList(delivered.lastIndexOf("B"), delivered.size())).containsExactly("B", "C", "D",
				"E", "F");
		// No commit passed B (offset 1 of orders-0) or committed any of orders-1 while the breaker held them.
		assertThat(commitsWhileDown).isNotEmpty()
			.allSatisfy(commit -> assertThat(commit.getOrDefault(ORDERS_0, 0L)).isLessThanOrEqualTo(1L))
			.allSatisfy(commit -> assertThat(commit.getOrDefault(ORDERS_1, 0L)).isZero());
		// Both partitions were paused in the consumer, and resumed once B succeeded.
		assertThat(callsWhileDown).contains("pause [orders-0, orders-1]");
		assertThat(this.fixture.calls().subList(callsWhileDown.size(), this.fixture.calls().size()))
			.anyMatch(call -> call.startsWith("resume") && call.contains("orders-1"));
	}

}
