package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract, transactions on: {@code retry.blocked} refuses the scheduler's writes for a few seconds,
 * and a due record of group {@code payments} follows the {@code blocked} record. While the {@code blocked} record
 * waits for its topic, each try of it is a transaction of its own: its refusal undoes no other hand-off, so the
 * {@code payments} record is sent once, after the {@code blocked} one went through, not again and again in
 * transactions the refusal aborts.
 */
class SchedulerRefusedRetryTopicInTransactionTests {

	@Test
	void recordWaitingForItsTopicIsTriedInATransactionOfItsOwn() {
		long now = System.currentTimeMillis();
		RefusingProducer producer = new RefusingProducer();
		try (SchedulerContainer scheduler = new SchedulerContainer(producer).record("blocked", "blocked", now - 1)
			.record("payment", "payments", now - 1)
			.transactional()
			.patience(Duration.ofMinutes(5))) {
			scheduler.start(Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(30)).until(() -> producer.attempts("blocked") >= 5);
			producer.refusing = false;

			await().atMost(Duration.ofSeconds(20)).until(() -> producer.history().size() == 2);
			assertThat(producer.history()).extracting(ProducerRecord::topic)
				.containsExactly("retry.blocked", "retry.payments");
			// The first try is shared (nothing was known yet); after it, the payment waits for the blocked record.
			assertThat(producer.attempts("payment")).as("sends of the payment record").isLessThanOrEqualTo(2);
		}
	}

	/**
	 * Refuses writes to {@code retry.blocked} while told to, as Kafka's transactional producer does: the send's
	 * future fails, and later sends and the commit of that transaction fail until it is aborted.
	 */
	static final class RefusingProducer extends MockProducer<byte[], byte[]> {

		volatile boolean refusing = true;

		private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

		private RuntimeException lastError;

		RefusingProducer() {
			super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
		}

		int attempts(String value) {
			return this.attempts.getOrDefault(value, 0);
		}

		@Override
		public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
			this.attempts.merge(new String(record.value(), StandardCharsets.UTF_8), 1, Integer::sum);
			if (this.lastError != null) {
				throw new KafkaException("Cannot execute transactional method because we are in an error state",
						this.lastError);
			}
			if (this.refusing && record.topic().equals("retry.blocked")) {
				this.lastError = new TopicAuthorizationException("Not authorized to access topics: [retry.blocked]");
				if (callback != null) {
					callback.onCompletion(null, this.lastError);
				}
				return CompletableFuture.failedFuture(this.lastError);
			}
			return super.send(record, callback);
		}

		@Override
		public synchronized void abortTransaction() {
			this.lastError = null;
			super.abortTransaction();
		}

		@Override
		public synchronized void commitTransaction() {
			if (this.lastError != null) {
				throw new KafkaException("Cannot execute transactional method because we are in an error state",
						this.lastError);
			}
			super.commitTransaction();
		}

		@Override
		public void close() {
		}

		@Override
		public void close(Duration timeout) {
		}

	}

}
