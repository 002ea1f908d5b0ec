package dev.reliablekafka.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Sends a consumed record to another topic with exactly the key and value bytes its producer wrote. The caller
 * commits the record's offset only once the broker has acknowledged it: the failure router sends without waiting
 * ({@link #send}) and leaves the waiting to the consumer's {@link CommitGate}; the scheduler and consumers without
 * a gate wait here.
 */
public class RecordForwarder implements DisposableBean {

	private final ProducerFactory<byte[], byte[]> producerFactory;

	private final KafkaTemplate<byte[], byte[]> template;

	private final Duration timeout;

	private final TransactionalHandOff transactions;

	/**
	 * Create a forwarder.
	 * @param producerFactory a factory of byte-array producers with {@code acks=all}; destroyed with the
	 * forwarder. When it is transactional, forward with {@link #forwardAndCommit} or {@link #forwardAllAndCommit},
	 * which commit the consumed offsets in the same transaction.
	 * @param timeout how long to wait for the broker's acknowledgement
	 */
	public RecordForwarder(ProducerFactory<byte[], byte[]> producerFactory, Duration timeout) {
		this.producerFactory = producerFactory;
		this.template = new KafkaTemplate<>(producerFactory);
		this.timeout = timeout;
		this.transactions = new TransactionalHandOff(producerFactory, timeout);
	}

	/**
	 * Return whether forwards are transactional, each committed in one transaction with the consumed offsets.
	 * @return whether the producer factory is transactional
	 */
	public boolean isTransactional() {
		return this.producerFactory.transactionCapable();
	}

	/**
	 * Forward a record and wait for the broker's acknowledgement.
	 * @param record the consumed record, whose key and value are the raw bytes
	 * @param topic where to send it
	 * @param headers the headers to send with it
	 * @throws ForwardingFailedException if the broker did not acknowledge the record in time
	 */
	public void forward(ConsumerRecord<?, ?> record, String topic, Headers headers) {
		send(this.template, record, topic, headers);
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
	 * Forward a record in the open transaction of a producer, without waiting for the broker's acknowledgement.
	 * @param producer a transactional producer in a transaction
	 * @param record the consumed record, whose key and value are the raw bytes
	 * @param topic where to send it
	 * @param headers the headers to send with it
	 * @return completes when the broker acknowledged the record, or exceptionally when it did not
	 */
	CompletableFuture<?> send(Producer<byte[], byte[]> producer, ConsumerRecord<?, ?> record, String topic,
			Headers headers) {
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

	/**
	 * Forward a record and commit its offset for a consumer group, in one transaction when transactions are on;
	 * otherwise only forward it, leaving the commit to the caller.
	 * @param record the consumed record, whose key and value are the raw bytes
	 * @param topic where to send it
	 * @param headers the headers to send with it
	 * @param group the consumer group whose offset to commit
	 * @throws ForwardingFailedException if the forward or the commit failed; neither took effect then
	 */
	public void forwardAndCommit(ConsumerRecord<?, ?> record, String topic, Headers headers,
			ConsumerGroupMetadata group) {
		if (!isTransactional()) {
			forward(record, topic, headers);
			return;
		}
		forwardAllAndCommit(List.of(new Forward(record, topic, headers)), Map.of(
				new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)),
				group);
	}

	/**
	 * Forward several records at once and wait for every acknowledgement, without transactions.
	 * @param forwards the records, in the order they must keep per partition
	 * @return the forwards that failed, in order; empty when all were acknowledged
	 */
	public List<Forward> forwardAll(List<Forward> forwards) {
		List<CompletableFuture<?>> sent = new ArrayList<>(forwards.size());
		forwards.forEach(forward -> sent.add(this.template.send(producerRecord(forward))));
		List<Forward> failed = new ArrayList<>();
		long deadline = System.nanoTime() + this.timeout.toNanos();
		for (int i = 0; i < forwards.size(); i++) {
			try {
				sent.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failed.add(forwards.get(i));
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				failed.add(forwards.get(i));
			}
		}
		return failed;
	}

	/**
	 * Forward several records and commit the consumer's offsets in one transaction: all or nothing. A commit
	 * that timed out is retried, and if its outcome stays unknown, waited out: it is never reported as failed when
	 * it may have committed, which would make the caller forward the records a second time.
	 * @param forwards the records, in the order they must keep per partition
	 * @param offsets the offsets to commit with them
	 * @param group the consumer group whose offsets to commit
	 * @throws ForwardingFailedException if the transaction did not commit; none of it took effect then
	 */
	public void forwardAllAndCommit(List<Forward> forwards, Map<TopicPartition, OffsetAndMetadata> offsets,
			ConsumerGroupMetadata group) {
		try {
			this.transactions.sendAndCommit(forwards.stream().map(RecordForwarder::producerRecord).toList(), offsets,
					group);
		}
		catch (ForwardingFailedException ex) {
			throw new ForwardingFailedException("Could not forward " + forwards.size() + " records and commit "
					+ offsets + ": " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			throw new ForwardingFailedException("Could not forward " + forwards.size() + " records and commit "
					+ offsets + ": " + ex, ex);
		}
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

	private void send(KafkaOperations<byte[], byte[]> operations, ConsumerRecord<?, ?> record, String topic,
			Headers headers) {
		ProducerRecord<byte[], byte[]> out = producerRecord(new Forward(record, topic, headers));
		try {
			operations.send(out).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw failed(record, topic, ex);
		}
		catch (ExecutionException ex) {
			throw failed(record, topic, (ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (TimeoutException | RuntimeException ex) {
			throw failed(record, topic, ex);
		}
	}

	private static ForwardingFailedException failed(ConsumerRecord<?, ?> record, String topic, Throwable cause) {
		return new ForwardingFailedException(
				"Could not forward " + KafkaUtils.format(record) + " to " + topic + ": " + cause, cause);
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
