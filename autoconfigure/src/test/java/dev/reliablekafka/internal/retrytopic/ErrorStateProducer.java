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

/**
 * A transactional producer stand-in that refuses writes to {@code retry.blocked} while told to, as Kafka's
 * transactional producer does: the send's future fails, the transaction becomes abortable, and each later send
 * and the commit throw {@code KafkaException("Cannot execute transactional method because we are in an error
 * state", lastError)} (kafka-clients 4.2.1, {@code KafkaProducer.doSend} and
 * {@code TransactionManager.maybeFailWithError}) until the transaction is aborted. It counts the sends of each
 * record value, and stays open when closed, as the producer factory's cache would keep it.
 */
final class ErrorStateProducer extends MockProducer<byte[], byte[]> {

	static final String REFUSING_TOPIC = "retry.blocked";

	volatile boolean refusing = true;

	private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

	private RuntimeException lastError;

	ErrorStateProducer() {
		super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
	}

	/**
	 * Return how many times a record with this value was sent, refused sends included.
	 */
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
		if (this.refusing && record.topic().equals(REFUSING_TOPIC)) {
			this.lastError = new TopicAuthorizationException("Not authorized to access topics: [" + REFUSING_TOPIC + "]");
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
