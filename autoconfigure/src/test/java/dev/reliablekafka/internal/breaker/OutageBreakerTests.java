package dev.reliablekafka.internal.breaker;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * The breaker's rules, without a broker: what opens it (failures and their rate in a sliding window; outage
 * exceptions count twice), what the half-open state resumes, what re-opens and closes it, and that partitions
 * assigned while it is open wait too.
 */
class OutageBreakerTests {

	private static final TopicPartition P0 = new TopicPartition("orders", 0);

	private static final TopicPartition P1 = new TopicPartition("orders", 1);

	private static final TopicPartition P2 = new TopicPartition("orders", 2);

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
	void opensOnlyWithEnoughFailuresAtTheRate() {
		OutageBreaker breaker = breaker(List.of());
		// 4 failures among 10 outcomes: enough failures, but a rate of 0.4.
		for (int i = 0; i < 6; i++) {
			breaker.succeeded(record(P0, i));
		}
		for (int i = 0; i < 4; i++) {
			assertThat(breaker.keepsInPlace(record(P0, 10 + i), new IllegalStateException(), this.container)).isFalse();
		}
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
		// The successes slide out of the window of 10: the 8th failure makes 8 in 10.
		for (int i = 0; i < 3; i++) {
			assertThat(breaker.keepsInPlace(record(P0, 20 + i), new IllegalStateException(), this.container)).isFalse();
		}
		assertThat(breaker.keepsInPlace(record(P1, 30), new IllegalStateException(), this.container)).isTrue();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.OPEN);
		assertThat(this.pauseRequested).containsExactlyInAnyOrder(P0, P1);
	}

	@Test
	void aRecordFailingAgainAndAgainCountsOnce() {
		OutageBreaker breaker = breaker(List.of());
		for (int i = 0; i < 20; i++) {
			assertThat(breaker.keepsInPlace(record(P0, 0), new IllegalStateException(), this.container)).isFalse();
		}
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
		assertThat(breaker.describe()).containsEntry("failures", 1);
	}

	@Test
	void outageExceptionsCountTwice() {
		OutageBreaker breaker = breaker(List.of(ConnectException.class));
		RuntimeException outage = new RuntimeException("payment API down", new ConnectException("refused"));
		assertThat(breaker.keepsInPlace(record(P0, 0), outage, this.container)).isFalse();
		assertThat(breaker.keepsInPlace(record(P0, 1), outage, this.container)).isFalse();
		assertThat(breaker.keepsInPlace(record(P0, 2), outage, this.container)).isTrue();
		assertThat(breaker.describe()).containsEntry("failures", 6);
	}

	@Test
	void halfOpenResumesTheKeptRecordsPartitionAloneThenClosesOnSuccess() {
		OutageBreaker breaker = opened(P1);
		runScheduled();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.HALF_OPEN);
		assertThat(this.pauseRequested).containsExactly(P0);
		// The probe fails: open again, both partitions wait.
		assertThat(breaker.keepsInPlace(record(P1, 5), new IllegalStateException(), this.container)).isTrue();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.OPEN);
		assertThat(this.pauseRequested).containsExactlyInAnyOrder(P0, P1);
		assertThat(breaker.describe()).containsEntry("failedTries", 1);
		runScheduled();
		breaker.succeeded(record(P1, 5));
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.CLOSED);
		assertThat(this.pauseRequested).isEmpty();
	}

	@Test
	void partitionsAssignedWhileOpenWaitToo() {
		OutageBreaker breaker = opened(P0);
		this.assigned.add(P2);
		breaker.assigned(List.of(P2));
		assertThat(this.pauseRequested).containsExactlyInAnyOrder(P0, P1, P2);
	}

	@Test
	void withoutAnOutcomeFromTheProbeEveryPartitionIsResumed() {
		OutageBreaker breaker = opened(P1);
		runScheduled(); // half-open: P1 alone
		runScheduled(); // no outcome within the wait
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.HALF_OPEN);
		assertThat(this.pauseRequested).isEmpty();
	}

	@Test
	void aKeptPartitionThatMovedAwayLetsAnyPartitionDecide() {
		OutageBreaker breaker = opened(P1);
		this.assigned.remove(P1);
		runScheduled();
		assertThat(breaker.state()).isEqualTo(OutageBreaker.State.HALF_OPEN);
		assertThat(this.pauseRequested).isEmpty();
	}

	private OutageBreaker opened(TopicPartition failing) {
		OutageBreaker breaker = breaker(List.of());
		for (int i = 0; i < 5; i++) {
			assertThat(breaker.keepsInPlace(record(P0, i), new IllegalStateException(), this.container)).isFalse();
		}
		// The 6th failure opens it, and is kept.
		assertThat(breaker.keepsInPlace(record(failing, 5), new IllegalStateException(), this.container)).isTrue();
		return breaker;
	}

	private void runScheduled() {
		List<Runnable> tasks = new ArrayList<>(this.scheduled);
		this.scheduled.clear();
		tasks.forEach(Runnable::run);
	}

	private OutageBreaker breaker(List<Class<? extends Throwable>> outageExceptions) {
		BreakerPolicy breaker = new BreakerPolicy(true, 10, 0.8, 6, Duration.ofSeconds(5), 2.0, Duration.ofMinutes(1),
				outageExceptions);
		ListenerPolicy policy = new ListenerPolicy("orders", "order-service", List.of("orders"), ReliableMode.BLOCKING,
				new BlockingPolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), Duration.ZERO,
						BlockingPolicy.UNLIMITED),
				"dlq.order-service", null, List.of(), null, java.util.Map.of(), breaker);
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
