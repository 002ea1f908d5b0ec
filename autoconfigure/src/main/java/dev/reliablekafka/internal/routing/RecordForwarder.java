package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Sends a consumed record to another topic with exactly the key and value bytes its producer wrote, without
 * waiting: the record's offset is committed only once the broker has acknowledged it, which the consumer's
 * {@link CommitGate} sees to (see {@link GatedHandOff}, the one way records are handed over). Every record the
 * library writes to Kafka is sent here, a dead-letter redrive's too.
 */
public class RecordForwarder implements DisposableBean {

	private final ProducerFactory<byte[], byte[]> producerFactory;

	private final KafkaTemplate<byte[], byte[]> template;

	private final Duration timeout;

	private final TransactionalHandOff transactions;

	/**
	 * Create a forwarder.
	 * @param producerFactory a factory of byte-array producers with {@code acks=all}; destroyed with the
	 * forwarder. When it is transactional, records are sent in the consuming consumer's transaction of the poll,
	 * committed with its offsets.
	 * @param timeout how long to wait for the broker's acknowledgement
	 */
	public RecordForwarder(ProducerFactory<byte[], byte[]> producerFactory, Duration timeout) {
		this.producerFactory = producerFactory;
		this.template = new KafkaTemplate<>(producerFactory);
		this.timeout = timeout;
		this.transactions = new TransactionalHandOff(producerFactory, timeout);
	}

	/**
	 * Return whether forwards are transactional, committed in one transaction with the consumed offsets.
	 * @return whether the producer factory is transactional
	 */
	public boolean isTransactional() {
		return this.producerFactory.transactionCapable();
	}

	/**
	 * Forward a record without waiting for the broker's acknowledgement, without transactions.
	 * @param record the consumed record, whose key and value are the raw bytes
	 * @param topic where to send it
	 * @param headers the headers to send with it
	 * @return completes when the broker acknowledged the record, or exceptionally when it did not
	 */
	public CompletableFuture<?> send(ConsumerRecord<?, ?> record, String topic, Headers headers) {
		return this.template.send(producerRecord(new Forward(record, topic, headers)));
	}

	/**
	 * Forward a record with a producer the caller owns, without waiting for the broker's acknowledgement: a
	 * transactional producer in its open transaction, or a dead-letter redrive's producer.
	 * @param producer the producer
	 * @param record the consumed record, whose key and value are the raw bytes
	 * @param topic where to send it
	 * @param headers the headers to send with it
	 * @return completes when the broker acknowledged the record, or exceptionally when it did not
	 * @throws RuntimeException if the producer refused the record at once
	 */
	public static CompletableFuture<?> send(Producer<byte[], byte[]> producer, ConsumerRecord<?, ?> record,
			String topic, Headers headers) {
		CompletableFuture<Object> sent = new CompletableFuture<>();
		producer.send(producerRecord(new Forward(record, topic, headers)), (metadata, exception) -> {
			if (exception != null) {
				sent.completeExceptionally(exception);
			}
			else {
				sent.complete(metadata);
			}
		});
		return sent;
	}

	/**
	 * Return the transactions of this forwarder's producers.
	 * @return the transactions
	 */
	TransactionalHandOff transactions() {
		return this.transactions;
	}

	/**
	 * Return how long a forward may take before it counts as failed.
	 * @return the forward timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	private static ProducerRecord<byte[], byte[]> producerRecord(Forward forward) {
		return new ProducerRecord<>(forward.topic(), null, null, bytes(forward.record().key()),
				bytes(forward.record().value()), forward.headers());
	}

	/**
	 * A record to forward.
	 *
	 * @param record the consumed record, whose key and value are the raw bytes
	 * @param topic where to send it
	 * @param headers the headers to send with it
	 */
	public record Forward(ConsumerRecord<?, ?> record, String topic, Headers headers) {
	}

	private static byte @Nullable [] bytes(@Nullable Object data) {
		if (data == null || data instanceof byte[]) {
			return (byte[]) data;
		}
		throw new IllegalStateException("Reliable listeners consume raw bytes, but got a " + data.getClass());
	}

	@Override
	public void destroy() throws Exception {
		if (this.producerFactory instanceof DisposableBean disposable) {
			disposable.destroy();
		}
	}

}
