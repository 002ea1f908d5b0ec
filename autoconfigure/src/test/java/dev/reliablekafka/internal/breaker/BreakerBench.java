package dev.reliablekafka.internal.breaker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;

import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.TaskScheduler;

import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.BlockingPolicy;
import dev.reliablekafka.internal.policy.BreakerPolicy;
import dev.reliablekafka.internal.policy.ListenerPolicy;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * Base of the breaker's tests without a broker: a mocked container of {@code orders-0} and {@code orders-1} that
 * records which partitions it was asked to pause, and a scheduler whose tasks (the breaker's waits) a test runs by
 * hand, so that the breaker's transitions are driven step by step.
 */
abstract class BreakerBench {

	static final TopicPartition P0 = new TopicPartition("orders", 0);

	static final TopicPartition P1 = new TopicPartition("orders", 1);

	static final TopicPartition P2 = new TopicPartition("orders", 2);

	final PartitionBackOff partitionBackOff = new PartitionBackOff();

	final List<Runnable> scheduled = new ArrayList<>();

	/** The container's partitions; a test moves them away or back. */
	final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

	/** Paused partitions; concurrent, as a back-off resumes its partition on its own thread. */
	final Set<TopicPartition> pauseRequested = ConcurrentHashMap.newKeySet();

	final MessageListenerContainer container = container();

	BreakerBench() {
		this.assigned.addAll(Set.of(P0, P1));
	}

	@AfterEach
	void destroy() {
		this.partitionBackOff.destroy();
	}

	/**
	 * A breaker of the BLOCKING listener {@code orders}: a window of 10, a rate of 0.8, a first wait of 5 s.
	 * @param minFailures the failures that open it
	 * @param outageExceptions the exceptions that count twice
	 * @param blocking the listener's back-off
	 * @return the breaker, scheduling its waits on {@link #scheduled}
	 */
	OutageBreaker breaker(int minFailures, List<Class<? extends Throwable>> outageExceptions, BlockingPolicy blocking) {
		BreakerPolicy breaker = new BreakerPolicy(true, 10, 0.8, minFailures, Duration.ofSeconds(5), 2.0,
				Duration.ofMinutes(1), outageExceptions);
		ListenerPolicy policy = new ListenerPolicy("orders", "order-service", List.of("orders"), ReliableMode.BLOCKING,
				blocking, "dlq.order-service", null, List.of(), null, Map.of(), breaker);
		TaskScheduler scheduler = mock(TaskScheduler.class);
		willAnswer(invocation -> {
			this.scheduled.add(invocation.getArgument(0));
			return null;
		}).given(scheduler).schedule(any(Runnable.class), any(Instant.class));
		return new OutageBreaker(policy, ReliableEvents.NONE, scheduler, this.partitionBackOff);
	}

	/**
	 * A breaker whose listener backs off from 1 s, doubling up to 5 min, without a limit of attempts.
	 * @param minFailures the failures that open it
	 * @param outageExceptions the exceptions that count twice
	 * @return the breaker
	 */
	OutageBreaker breaker(int minFailures, List<Class<? extends Throwable>> outageExceptions) {
		return breaker(minFailures, outageExceptions, new BlockingPolicy(Duration.ofSeconds(1), 2.0,
				Duration.ofMinutes(5), Duration.ZERO, BlockingPolicy.UNLIMITED));
	}

	/** Runs the tasks scheduled so far, as if their time had come; those they schedule wait for the next call. */
	void runScheduled() {
		List<Runnable> tasks = new ArrayList<>(this.scheduled);
		this.scheduled.clear();
		tasks.forEach(Runnable::run);
	}

	static ConsumerRecord<?, ?> record(TopicPartition partition, long offset) {
		return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "key", "value");
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

}
