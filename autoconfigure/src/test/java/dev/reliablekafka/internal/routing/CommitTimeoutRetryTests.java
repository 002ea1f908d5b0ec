package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.ProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction whose commit timed out may still complete: the broker got the commit, its answer was lost. Kafka's
 * contract is to call {@code commitTransaction()} again, which finishes the pending commit. The commit of a
 * transaction of forwards must do that rather than report a failure, after which the record would be forwarded again in a second transaction and a
 * {@code read_committed} reader would see it twice.
 */
class CommitTimeoutRetryTests {

	private static final TopicPartition SOURCE = new TopicPartition("orders", 0);

	@Test
	void timedOutCommitIsRetriedAndTheRecordIsSentOnce() {
		CommitTimingOutOnce producer = new CommitTimingOutOnce();
		producer.initTransactions();
		RecordForwarder forwarder = new RecordForwarder(new SingleProducerFactory(producer), Duration.ofSeconds(5));
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(SOURCE.topic(), SOURCE.partition(), 7,
				"key".getBytes(StandardCharsets.UTF_8), "A".getBytes(StandardCharsets.UTF_8));

		TransactionalHandOff transactions = forwarder.transactions();
		Producer<byte[], byte[]> inTransaction = transactions.begin();
		forwarder.send(inTransaction, record, "app.delay.10s", new RecordHeaders());
		transactions.commit(inTransaction, 1, Map.of(SOURCE, new OffsetAndMetadata(8)),
				new ConsumerGroupMetadata("order-service"));

		assertThat(producer.commitAttempts).isEqualTo(2);
		assertThat(producer.history()).hasSize(1);
		assertThat(producer.history().get(0).topic()).isEqualTo("app.delay.10s");
		assertThat(producer.consumerGroupOffsetsHistory()).singleElement()
			.satisfies(offsets -> assertThat(offsets.get("order-service").get(SOURCE).offset()).isEqualTo(8));
		assertThat(producer.transactionAborted()).isFalse();
	}

	/**
	 * A transactional producer whose first commit times out after the broker has taken it.
	 */
	static final class CommitTimingOutOnce extends MockProducer<byte[], byte[]> {

		int commitAttempts;

		CommitTimingOutOnce() {
			super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
		}

		@Override
		public void commitTransaction() {
			this.commitAttempts++;
			if (this.commitAttempts == 1) {
				throw new TimeoutException("Timeout expired after 30000ms while awaiting EndTxn(true)");
			}
			super.commitTransaction();
		}

	}

	/**
	 * Hands out one transactional producer, as a factory's cache would.
	 */
	record SingleProducerFactory(Producer<byte[], byte[]> producer) implements ProducerFactory<byte[], byte[]> {

		@Override
		public Producer<byte[], byte[]> createProducer() {
			return this.producer;
		}

		@Override
		public Producer<byte[], byte[]> createProducer(@Nullable String transactionIdPrefix) {
			return this.producer;
		}

		@Override
		public boolean transactionCapable() {
			return true;
		}

		@Override
		public Map<String, Object> getConfigurationProperties() {
			return Map.of();
		}

	}

}
