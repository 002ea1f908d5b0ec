package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.MockedStatic;

import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.breaker.OutageBreaker;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.BlockingPolicy;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * One poll's records, one processed and one failed, through a reliable container's record interceptor: it looks
 * the consumer's commit gate up once for the poll, not for each record and outcome, and still tells the gate which
 * record is in process (a commit stops at the failed record until the failure router takes it over) and the
 * breaker of each success only. The next poll looks the gate up again, once.
 */
class RecordOutcomesTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	@Test
	@SuppressWarnings("unchecked")
	void theGateIsLookedUpOncePerPollAndHearsEveryOutcome() {
		Consumer<Object, Object> delegate = mock(Consumer.class);
		Consumer<Object, Object> consumer = new CommitGate(Duration.ofSeconds(5)).apply(delegate);
		OutageBreaker breaker = mock(OutageBreaker.class);
		RecordOutcomes<Object, Object> outcomes = new RecordOutcomes<>(policy(), null, breaker, ReliableEvents.NONE);
		ConsumerRecord<Object, Object> processed = record(0);
		ConsumerRecord<Object, Object> failed = record(1);
		ConsumerRecord<Object, Object> nextPoll = record(2);

		try (MockedStatic<ForwardGate> gates = mockStatic(ForwardGate.class, Answers.CALLS_REAL_METHODS)) {
			outcomes.intercept(processed, consumer);
			outcomes.success(processed, consumer);
			outcomes.intercept(failed, consumer);
			outcomes.failure(failed, new IllegalStateException("failed"), consumer);
			// The container commits what it queued before it hands the failed record to the failure router.
			consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(2)));
			gates.verify(() -> ForwardGate.of(any()), times(1));

			outcomes.clearThreadState(consumer);
			outcomes.intercept(nextPoll, consumer);
			outcomes.success(nextPoll, consumer);
			gates.verify(() -> ForwardGate.of(any()), times(2));
		}
		verify(delegate).commitSync(Map.of(PARTITION, new OffsetAndMetadata(1)));
		verify(breaker).succeeded(processed);
		verify(breaker, never()).succeeded(failed);
		verify(breaker).succeeded(nextPoll);
	}

	private static ConsumerRecord<Object, Object> record(long offset) {
		byte[] bytes = ("record " + offset).getBytes(StandardCharsets.UTF_8);
		return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, bytes, bytes);
	}

	private static ListenerPolicy policy() {
		BlockingPolicy blocking = new BlockingPolicy(Duration.ofSeconds(10), 1.0, Duration.ofSeconds(10),
				Duration.ZERO, BlockingPolicy.UNLIMITED);
		RetryTopicPolicy retryTopic = new RetryTopicPolicy("retry.order-service",
				List.of(new DelayLevel(Duration.ofSeconds(1), "app.delay.1s")), 1, 3);
		return new ListenerPolicy("orders", "order-service", List.of("orders"), ReliableMode.RETRY_TOPIC, blocking,
				"dlq.order-service", retryTopic, List.of());
	}

}
