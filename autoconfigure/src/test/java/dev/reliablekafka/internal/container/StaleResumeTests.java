package dev.reliablekafka.internal.container;

import java.time.Duration;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import org.springframework.kafka.listener.MessageListenerContainer;

import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * A resume scheduled by an earlier, shorter pause of a partition must not end a later pause of the same partition:
 * the failed record would be delivered again before its back-off is over. The same holds when the earlier pause
 * was made by another consumer of a concurrent container that owned the partition before a rebalance, because the
 * container passed to the back-off is the parent, which resumes the partition in every child.
 */
class StaleResumeTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	// Paused and resumed only to know that the resumes scheduled before its own have run.
	private static final TopicPartition MARKER = new TopicPartition("orders", 1);

	private final PartitionBackOff backOff = new PartitionBackOff();

	private final MessageListenerContainer container = mock(MessageListenerContainer.class);

	@AfterEach
	void stop() {
		this.backOff.destroy();
	}

	@Test
	void onlyTheLatestPauseOfAPartitionIsEndedByItsResume() {
		this.backOff.pause(this.container, PARTITION, Duration.ofMillis(50));
		this.backOff.pause(this.container, PARTITION, Duration.ofHours(1));
		this.backOff.pause(this.container, MARKER, Duration.ofMillis(300));

		// Resumes run one at a time in the order they are due: once the marker's has run, the 50 ms one has too.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> verify(this.container).resumePartition(MARKER));
		verify(this.container, never()).resumePartition(PARTITION);
	}

	@Test
	void theLatestPauseIsEndedWhenItIsDue() {
		this.backOff.pause(this.container, PARTITION, Duration.ofHours(1));
		this.backOff.pause(this.container, PARTITION, Duration.ofMillis(50));

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> verify(this.container).resumePartition(PARTITION));
		InOrder order = inOrder(this.container);
		order.verify(this.container, times(2)).pausePartition(PARTITION);
		order.verify(this.container).resumePartition(PARTITION);
	}

}
