package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * An asynchronous commit held back by a forward in flight commits the rest once the forward is acknowledged: the
 * caller's callback hears of that rest too, not only of the part committed at once.
 */
class HeldCommitCallbackTests {

	private static final TopicPartition P = new TopicPartition("orders", 0);

	@Test
	@SuppressWarnings("unchecked")
	void callbackHearsOfTheRestCommittedLater() {
		Consumer<Object, Object> raw = mock(Consumer.class);
		given(raw.assignment()).willReturn(Set.of(P));
		given(raw.poll(any(Duration.class))).willReturn(ConsumerRecords.empty());
		willAnswer(invocation -> {
			Map<TopicPartition, OffsetAndMetadata> offsets = invocation.getArgument(0);
			((OffsetCommitCallback) invocation.getArgument(1)).onComplete(offsets, null);
			return null;
		}).given(raw).commitAsync(any(Map.class), any(OffsetCommitCallback.class));
		Consumer<Object, Object> consumer = new CommitGate(Duration.ofSeconds(2), Duration.ofMillis(10)).apply(raw);
		ForwardGate gate = ForwardGate.of(consumer);
		SettableForward forward = new SettableForward(1);
		gate.register(P, forward);
		List<Long> heard = new ArrayList<>();

		consumer.commitAsync(Map.of(P, new OffsetAndMetadata(3)),
				(offsets, ex) -> heard.add(offsets.get(P).offset()));
		forward.outcome = InFlightForward.Outcome.ACKNOWLEDGED;
		consumer.poll(Duration.ofMillis(1));

		assertThat(heard).containsExactly(1L, 3L);
	}

	private static final class SettableForward implements InFlightForward {

		private final long offset;

		volatile Outcome outcome = Outcome.PENDING;

		SettableForward(long offset) {
			this.offset = offset;
		}

		@Override
		public long offset() {
			return this.offset;
		}

		@Override
		public Outcome await(long deadlineNanos) {
			return this.outcome;
		}

		@Override
		public void committed() {
		}

		@Override
		public void rolledBack(Throwable cause) {
		}

	}

}
