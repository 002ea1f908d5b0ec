package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
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

}
