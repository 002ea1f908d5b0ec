package dev.reliablekafka.internal.container;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Holding a partition back rewinds it before it pauses it, so that it never resumes past the record to deliver
 * again: one partition, the partitions of a poll, and a partition paused until released, which no wait ending
 * resumes.
 */
class HoldBackTests {

	private static final TopicPartition P0 = new TopicPartition("orders", 0);

	private static final TopicPartition P1 = new TopicPartition("orders", 1);

	private final PartitionBackOff backOff = new PartitionBackOff();

	private final MessageListenerContainer container = mock(MessageListenerContainer.class);

	private final Consumer<?, ?> consumer = mock(Consumer.class);

	@AfterEach
	void stop() {
		this.backOff.destroy();
	}

	@Test
	void aPartitionIsRewoundThenPausedThenResumed() {
		this.backOff.holdBack(this.consumer, this.container, P0, 7, Duration.ofMillis(50));

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> verify(this.container).resumePartition(P0));
		InOrder order = inOrder(this.consumer, this.container);
		order.verify(this.consumer).seek(P0, 7);
		order.verify(this.container).pausePartition(P0);
		order.verify(this.container).resumePartition(P0);
	}

	@Test
	void noWaitOnlyRewinds() {
		this.backOff.holdBack(this.consumer, this.container, P0, 7, Duration.ZERO);

		verify(this.consumer).seek(P0, 7);
		verify(this.container, never()).pausePartition(any());
	}

	@Test
	void aFailedRewindPausesNothing() {
		willThrow(new IllegalStateException("No current assignment")).given(this.consumer).seek(any(), anyLong());

		assertThatIllegalStateException()
			.isThrownBy(() -> this.backOff.holdBack(this.consumer, this.container, P0, 7, Duration.ofHours(1)));
		verify(this.container, never()).pausePartition(any());
	}

	@Test
	void everyPartitionOfAPollIsRewoundToItsFirstRecordBeforeAnyIsPaused() {
		Map<TopicPartition, List<ConsumerRecord<String, String>>> records = new LinkedHashMap<>();
		records.put(P0, List.of(record(P0, 3), record(P0, 4)));
		records.put(P1, List.of(record(P1, 9)));
		ConsumerRecords<String, String> poll = new ConsumerRecords<>(records, Map.of());

		this.backOff.holdBack(poll, this.consumer, this.container, Duration.ofHours(1));

		InOrder order = inOrder(this.consumer, this.container);
		order.verify(this.consumer).seek(P0, 3);
		order.verify(this.consumer).seek(P1, 9);
		order.verify(this.container, times(2)).pausePartition(any());
		verify(this.container).pausePartition(P0);
		verify(this.container).pausePartition(P1);
	}

	@Test
	void aPartitionPausedUntilReleasedOutlastsAWaitAndResumesOnRelease() {
		this.backOff.pauseUntilReleased(this.container, P0);
		this.backOff.pause(this.container, P0, Duration.ofMillis(20));
		this.backOff.pause(this.container, P1, Duration.ofMillis(200));

		// Resumes run in the order they are due: once P1's has run, P0's wait has ended too.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> verify(this.container).resumePartition(P1));
		verify(this.container, never()).resumePartition(P0);

		this.backOff.release(this.container, P0);
		verify(this.container).resumePartition(P0);
	}

	private static ConsumerRecord<String, String> record(TopicPartition partition, long offset) {
		return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "key", "value");
	}

}
