package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: the group's retry topic refuses the scheduler's writes for a while (its ACLs are being
 * fixed). The due records wait in their tier, tried again every second, and reach the retry topic once it takes
 * writes again: none goes to the dead-letter or parking topic, and nothing is committed past a record not handed
 * over. Only a topic that stays refusing for longer than the patience sends them on to the dead-letter topic.
 */
class SchedulerRefusedRetryTopicTests {

	private static final String RETRY_TOPIC = "retry.orders";

	@Test
	void recordsWaitForARetryTopicThatRefusesWritesForAWhile() {
		try (SchedulerContainer scheduler = new SchedulerContainer().records(2).patience(Duration.ofMinutes(5))) {
			scheduler.start(Duration.ofSeconds(30));
			Answers answers = new Answers(scheduler);
			long refuseUntil = System.currentTimeMillis() + 3_000;
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				answers.answer(System.currentTimeMillis() < refuseUntil);
				return scheduler.commits().contains(2L);
			});

			List<String> topics = scheduler.producer.history().stream().map(ProducerRecord::topic).toList();
			assertThat(topics).as("every hand-off went to the retry topic").containsOnly(RETRY_TOPIC);
			assertThat(answers.refused).as("refused hand-offs of the first record").isGreaterThanOrEqualTo(2);
			assertThat(scheduler.commits()).as("committed past a record not handed over")
				.allMatch(offset -> offset <= 2);
			assertThat(scheduler.commits().indexOf(2L)).isGreaterThan(-1);
		}
	}

	@Test
	void recordsMoveOnToTheDeadLetterTopicOnceTheRetryTopicRefusedForLongerThanThePatience() {
		try (SchedulerContainer scheduler = new SchedulerContainer().records(2).patience(Duration.ofSeconds(1))) {
			scheduler.start(Duration.ofSeconds(30));
			Answers answers = new Answers(scheduler);
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				answers.answer(true);
				return scheduler.commits().contains(2L);
			});

			List<ProducerRecord<byte[], byte[]>> deadLettered = scheduler.producer.history().stream()
				.filter(record -> record.topic().equals("dlq.orders"))
				.toList();
			assertThat(deadLettered).hasSize(2);
			assertThat(HeaderValues.text(deadLettered.get(0).headers(), ReliableHeaders.PARKED_REASON))
				.contains(RETRY_TOPIC + " is not authorized").contains("for longer than 1s");
			assertThat(answers.refused).as("tried again while waiting").isGreaterThanOrEqualTo(2);
		}
	}

	@Test
	void aLaterOutageOfTheSameTopicIsWaitedForAfresh() {
		long now = System.currentTimeMillis();
		try (SchedulerContainer scheduler = new SchedulerContainer().record("record 0", "orders", now - 1)
			.record("record 1", "orders", now + 14_000)
			.patience(Duration.ofSeconds(1))) {
			scheduler.start(Duration.ofSeconds(30));
			Answers answers = new Answers(scheduler);
			await().atMost(Duration.ofSeconds(45)).until(() -> {
				answers.answer(true);
				return scheduler.commits().contains(2L);
			});

			// Record 1 came due long after the topic was last found refusing: its own wait starts anew.
			assertThat(answers.refusedOf("record 1")).as("tries of record 1 before it moved on")
				.isGreaterThanOrEqualTo(2);
			assertThat(scheduler.producer.history().stream().filter(record -> record.topic().equals("dlq.orders")))
				.hasSize(2);
		}
	}

	/**
	 * Answers the scheduler's sends in order: refuses those to the retry topic while told to, acknowledges the rest.
	 */
	private static final class Answers {

		private final SchedulerContainer scheduler;

		private int answered;

		private int refused;

		private final Map<String, Integer> refusedByValue = new HashMap<>();

		Answers(SchedulerContainer scheduler) {
			this.scheduler = scheduler;
		}

		int refusedOf(String value) {
			return this.refusedByValue.getOrDefault(value, 0);
		}

		void answer(boolean refuse) {
			List<ProducerRecord<byte[], byte[]>> sent = this.scheduler.producer.history();
			while (this.answered < sent.size()) {
				ProducerRecord<byte[], byte[]> next = sent.get(this.answered++);
				if (refuse && next.topic().equals(RETRY_TOPIC)) {
					this.refused++;
					this.refusedByValue.merge(new String(next.value(), StandardCharsets.UTF_8), 1,
							Integer::sum);
					this.scheduler.failNext(new TopicAuthorizationException(Set.of(RETRY_TOPIC)));
				}
				else {
					this.scheduler.acknowledgeNext();
				}
			}
		}

	}

}
