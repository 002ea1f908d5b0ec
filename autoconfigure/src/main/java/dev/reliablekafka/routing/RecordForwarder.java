package dev.reliablekafka.routing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.transaction.KafkaTransactionManager;

/**
 * Sends a consumed record to another topic with exactly the key and value bytes its producer wrote, and returns
 * only once the broker has acknowledged it, so that the caller may then commit the record's offset.
 */
public class RecordForwarder implements DisposableBean {

	private final ProducerFactory<byte[], byte[]> producerFactory;

	private final KafkaTemplate<byte[], byte[]> template;

	private final Duration timeout;

	private final @Nullable KafkaTransactionManager<byte[], byte[]> transactionManager;

	/**
	 * Create a forwarder.
	 * @param producerFactory a factory of byte-array producers with {@code acks=all}; destroyed with the
	 * forwarder. When it is transactional, every forward must run in a transaction of
	 * {@link #getTransactionManager()}, as it does in the listener containers it serves.
	 * @param timeout how long to wait for the broker's acknowledgement
	 */
	public RecordForwarder(ProducerFactory<byte[], byte[]> producerFactory, Duration timeout) {
		this.producerFactory = producerFactory;
		this.template = new KafkaTemplate<>(producerFactory);
		this.timeout = timeout;
		this.transactionManager = producerFactory.transactionCapable()
				? new KafkaTransactionManager<>(producerFactory) : null;
	}

	/**
	 * Return the transaction manager that makes a forward and the offset commit of the forwarded record one
	 * transaction.
	 * @return the transaction manager, or {@code null} when transactions are off
	 */
	public @Nullable KafkaTransactionManager<byte[], byte[]> getTransactionManager() {
		return this.transactionManager;
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
	 * Forward a record and commit its offset for a consumer group, in one transaction when transactions are on
	 * and none is in progress; otherwise only forward it, leaving the commit to the caller.
	 * @param record the consumed record, whose key and value are the raw bytes
	 * @param topic where to send it
	 * @param headers the headers to send with it
	 * @param group the consumer group whose offset to commit
	 * @throws ForwardingFailedException if the forward or the commit failed; neither took effect then
	 */
	public void forwardAndCommit(ConsumerRecord<?, ?> record, String topic, Headers headers,
			ConsumerGroupMetadata group) {
		if (this.transactionManager == null || this.template.inTransaction()) {
			forward(record, topic, headers);
			return;
		}
		try {
			this.template.executeInTransaction(operations -> {
				send(operations, record, topic, headers);
				operations.sendOffsetsToTransaction(Map.of(new TopicPartition(record.topic(), record.partition()),
						new OffsetAndMetadata(record.offset() + 1)), group);
				return null;
			});
		}
		catch (ForwardingFailedException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw failed(record, topic, ex);
		}
	}

	private void send(KafkaOperations<byte[], byte[]> operations, ConsumerRecord<?, ?> record, String topic,
			Headers headers) {
		ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, null, bytes(record.key()),
				bytes(record.value()), headers);
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
