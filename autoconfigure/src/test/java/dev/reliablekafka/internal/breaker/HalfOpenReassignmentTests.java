package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.TaskScheduler;

import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.BlockingPolicy;
import dev.reliablekafka.internal.policy.BreakerPolicy;
import dev.reliablekafka.internal.policy.ListenerPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * The outage breaker opens on a record of orders-1, which then moves to another instance: half-open finds no kept
 * record assigned here and resumes every partition. orders-0 is idle, so no outcome follows. When orders-1 comes
 * back (the other instance left), the breaker pauses it as a partition assigned while not closed; it must not stay
 * paused for good only because no other partition yields a record: something must resume it (or let it be tried).
 */
class HalfOpenReassignmentTests {

	private static final TopicPartition P0 = new TopicPartition("orders", 0);

	private static final TopicPartition P1 = new TopicPartition("orders", 1);

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	private final List<Runnable> scheduled = new ArrayList<>();

	private final Set<TopicPartition> assigned = new HashSet<>(Set.of(P0, P1));

	private final Set<TopicPartition> pauseRequested = new HashSet<>();

	private final MessageListenerContainer container = container();

	@AfterEach
	void destroy() {
		this.partitionBackOff.destroy();
	}

	@Test
	void aPartitionAssignedBackWhileHalfOpenIsNotPausedForever() {
		OutageBreaker breaker = breaker();
		assertThat(breaker.keepsInPlace(record(P1, 0), new IllegalStateException(), this.container)).isFalse();
		assertThat(breaker.keepsInPlace(record(P1, 1), new IllegalStateException(), this.container)).isTrue();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.OPEN);
		// orders-1, with the kept record, moves to another instance.
		this.assigned.remove(P1);
		runScheduled();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.HALF_OPEN);
		assertThat(this.pauseRequested).isEmpty();

		// It comes back; orders-0 yields nothing.
		this.assigned.add(P1);
		breaker.assigned(List.of(P1));
		for (int i = 0; i < 10 && !this.scheduled.isEmpty(); i++) {
			runScheduled(); // every wait the breaker set runs out
		}
		assertThat(this.pauseRequested).as("paused with the breaker %s and nothing scheduled", breaker.state())
			.doesNotContain(P1);
	}

	private void runScheduled() {
		List<Runnable> tasks = new ArrayList<>(this.scheduled);
		this.scheduled.clear();
		tasks.forEach(Runnable::run);
	}

	private OutageBreaker breaker() {
		BreakerPolicy breaker = new BreakerPolicy(true, 10, 0.8, 2, Duration.ofSeconds(5), 2.0, Duration.ofMinutes(1),
				List.of());
		ListenerPolicy policy = new ListenerPolicy("orders", "order-service", List.of("orders"), ReliableMode.BLOCKING,
				new BlockingPolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), Duration.ZERO,
						BlockingPolicy.UNLIMITED),
				"dlq.order-service", null, List.of(), null, Map.of(), breaker);
		TaskScheduler scheduler = mock(TaskScheduler.class);
		willAnswer(invocation -> {
			this.scheduled.add(invocation.getArgument(0));
			return null;
		}).given(scheduler).schedule(any(Runnable.class), any(Instant.class));
		return new OutageBreaker(policy, ReliableEvents.NONE, scheduler, this.partitionBackOff);
	}

	private MessageListenerContainer container() {
		MessageListenerContainer container = mock(MessageListenerContainer.class);
		given(container.getAssignedPartitions()).willAnswer(invocation -> new HashSet<>(this.assigned));
		willAnswer(invocation -> this.pauseRequested.add(invocation.getArgument(0))).given(container)
			.pausePartition(any());
		willAnswer(invocation -> this.pauseRequested.remove(invocation.getArgument(0))).given(container)
			.resumePartition(any());
		return container;
	}

	private static ConsumerRecord<?, ?> record(TopicPartition partition, long offset) {
		return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "key", "value");
	}

}
