package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.kafka.core.ProducerFactory;

import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * When a commit keeps timing out, whether the transaction committed is read from the broker: its offsets are part of
 * it, so the group's stable committed offsets tell, but only when they are exactly this transaction's, marked as
 * only it marks them; an offset committed as far by anything else does not count (the success case, a real
 * transaction whose answer is lost, is {@code LostEndTxnAnswerTests}).
 * Aborted: it failed and may be repeated. Still pending: the forward waits until the broker has decided.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class UnknownCommitOutcomeTests {

	@Parameter
	Broker broker;

	@Test
	void outcomeOfAnUnansweredCommitIsReadFromTheGroupsCommittedOffsets() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			TopicPartition source = new TopicPartition(kafka.createTopic(KafkaTestClient.unique("orders"), 1), 0);
			ConsumerGroupMetadata group = new ConsumerGroupMetadata(KafkaTestClient.unique("order-service"));
			RecordForwarder forwarder = new RecordForwarder(new CommitNeverAnswered(kafka.bootstrapServers()),
					Duration.ofMillis(300));

			// Another transaction of the group's offsets is pending: the forward waits for its outcome.
			try (KafkaProducer<byte[], byte[]> pending = transactionalProducer(kafka)) {
				pending.initTransactions();
				pending.beginTransaction();
				pending.sendOffsetsToTransaction(Map.of(source, new OffsetAndMetadata(2)), group);
				CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> forward(forwarder, source, 1, group));
				await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());

				// That other transaction commits the very offset this one would have: it is not this one's, whose
				// records were never written, so the forward failed and its record is sent again.
				pending.commitTransaction();
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
					.withCauseInstanceOf(ForwardingFailedException.class)
					.withMessageContaining("was aborted after its commit timed out");
			}

			// The group's committed offset falls short of this transaction's: it was aborted, the forward failed.
			assertThatExceptionOfType(ForwardingFailedException.class)
				.isThrownBy(() -> forward(forwarder, source, 2, group))
				.withMessageContaining("was aborted after its commit timed out");

			// The group had committed further already (a replay of an earlier record): that is no sign either.
			assertThatExceptionOfType(ForwardingFailedException.class)
				.isThrownBy(() -> forward(forwarder, source, 0, group))
				.withMessageContaining("was aborted after its commit timed out");
		}
	}

	@Test
	void onlyTheTransactionsOwnMarkedOffsetsTellThatItCommitted() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			TopicPartition source = new TopicPartition(kafka.createTopic(KafkaTestClient.unique("orders"), 1), 0);
			String group = KafkaTestClient.unique("order-service");
			Map<TopicPartition, OffsetAndMetadata> ours = Map.of(source,
					new OffsetAndMetadata(3, TransactionOutcome.MARKER_PREFIX + "test-1"));
			try (KafkaProducer<byte[], byte[]> producer = transactionalProducer(kafka)) {
				producer.initTransactions();
				producer.beginTransaction();
				producer.sendOffsetsToTransaction(ours, new ConsumerGroupMetadata(group));
				producer.commitTransaction();
			}
			TransactionOutcome outcome = new TransactionOutcome(
					Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), Duration.ofSeconds(5));
			assertThat(outcome.committed(group, ours)).isTrue();
			assertThat(outcome.committed(group, Map.of(source,
					new OffsetAndMetadata(3, TransactionOutcome.MARKER_PREFIX + "test-2")))).isFalse();
		}
	}

	private static void forward(RecordForwarder forwarder, TopicPartition source, long offset,
			ConsumerGroupMetadata group) {
		TransactionalHandOff transactions = forwarder.transactions();
		Producer<byte[], byte[]> producer = transactions.begin();
		RecordForwarder.send(producer, new ConsumerRecord<>(source.topic(), source.partition(), offset,
				"key".getBytes(StandardCharsets.UTF_8), "A".getBytes(StandardCharsets.UTF_8)), "app.delay.10s",
				new RecordHeaders());
		transactions.commit(producer, 1, Map.of(source, new OffsetAndMetadata(offset + 1)), group);
	}

	private static KafkaProducer<byte[], byte[]> transactionalProducer(KafkaTestClient kafka) {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
				ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaTestClient.unique("tx")), new ByteArraySerializer(),
				new ByteArraySerializer());
	}

	/**
	 * Hands out transactional producers whose commit is never answered.
	 */
	record CommitNeverAnswered(String bootstrapServers) implements ProducerFactory<byte[], byte[]> {

		@Override
		public Producer<byte[], byte[]> createProducer() {
			MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
					new ByteArraySerializer());
			producer.initTransactions();
			producer.commitTransactionException = new TimeoutException("Timeout expired while awaiting EndTxn(true)");
			return producer;
		}

		@Override
		public Producer<byte[], byte[]> createProducer(@Nullable String transactionIdPrefix) {
			return createProducer();
		}

		@Override
		public boolean transactionCapable() {
			return true;
		}

		@Override
		public Map<String, Object> getConfigurationProperties() {
			return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers, ProducerConfig.ACKS_CONFIG,
					"all");
		}

	}

}
