package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
 * Container contract, transactions on: a due record of group {@code blocked}, whose retry topic the scheduler may
 * not write to, is followed in the same poll by a due record of group {@code payments}, whose retry topic is fine.
 * Like Kafka's producer, the stand-in enters the abortable error state when the first send fails, and every later
 * send of that transaction fails at once with a {@link KafkaException} whose cause is the first record's error.
 * That error is not the {@code payments} record's own: once the {@code blocked} record is dead-lettered, the
 * {@code payments} record must still be handed to {@code retry.payments}, not dead-lettered or parked.
 */
class ForeignFailureInTransactionTests {

	@Test
	void recordIsNotRoutedElsewhereForAnotherRecordsFailureInItsTransaction() {
		long now = System.currentTimeMillis();
		ErrorStateProducer producer = new ErrorStateProducer();
		try (SchedulerContainer scheduler = new SchedulerContainer(producer).record("blocked", "blocked", now - 1)
			.record("payment", "payments", now - 1)
			.transactional()) {
			scheduler.start(Duration.ofSeconds(5));

			await().atMost(Duration.ofSeconds(20)).until(() -> producer.history().stream().anyMatch(ForeignFailureInTransactionTests::payment));

			ProducerRecord<byte[], byte[]> payment = producer.history().stream()
				.filter(ForeignFailureInTransactionTests::payment)
				.findFirst()
				.orElseThrow();
			assertThat(payment.topic()).as("where the payments record was handed over").isEqualTo("retry.payments");
		}
	}

	private static boolean payment(ProducerRecord<byte[], byte[]> record) {
		return new String(record.value(), StandardCharsets.UTF_8).equals("payment");
	}

	/**
	 * Refuses writes to {@code retry.blocked} as Kafka's transactional producer does: the send's future fails, the
	 * transaction becomes abortable, and each later send throws {@code KafkaException("Cannot execute transactional
	 * method because we are in an error state", lastError)} (kafka-clients 4.2.1, {@code KafkaProducer.doSend} and
	 * {@code TransactionManager.maybeFailWithError}) until the transaction is aborted.
	 */
	static final class ErrorStateProducer extends MockProducer<byte[], byte[]> {

		private RuntimeException lastError;

		ErrorStateProducer() {
			super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
		}

		@Override
		public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
			if (this.lastError != null) {
				throw new KafkaException("Cannot execute transactional method because we are in an error state",
						this.lastError);
			}
			if (record.topic().equals("retry.blocked")) {
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
