package dev.reliablekafka.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.internal.routing.RecordForwarder;

/**
 * The records a redrive has sent since it last committed, until the broker answers for them. A record is written
 * byte for byte, with its redrive count one more ({@link RedriveCount#incremented}), and with the time of the
 * redrive as its timestamp, so that the target's retention counts from now.
 */
final class RedriveSends {

	private final Producer<byte[], byte[]> producer;

	private final Duration timeout;

	private final List<Sent> sent = new ArrayList<>();

	RedriveSends(Producer<byte[], byte[]> producer, Duration timeout) {
		this.producer = producer;
		this.timeout = timeout;
	}

	/**
	 * Send a record.
	 * @param partition its dead-letter partition
	 * @param record the dead-letter record
	 * @param messageId its message id
	 * @param target the topic to write it to
	 * @throws RuntimeException when the producer refuses it at once
	 */
	void send(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, @Nullable String messageId,
			String target) {
		// Its own producer, not the forwarder's: never transactional (no consumer transaction to join), one per run.
		Future<?> future = RecordForwarder.send(this.producer, record, target,
				RedriveCount.incremented(record.headers()));
		this.sent.add(new Sent(partition, record, messageId, target, future, null));
	}

	int size() {
		return this.sent.size();
	}

	/**
	 * Wait for the broker's answer to every record sent since the last call.
	 * @return the records, each with its failure or {@code null} once acknowledged
	 */
	List<Sent> await() {
		this.producer.flush();
		List<Sent> answered = new ArrayList<>();
		for (Sent send : this.sent) {
			Throwable failure = null;
			try {
				send.future().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failure = ex;
			}
			catch (ExecutionException ex) {
				failure = (ex.getCause() != null) ? ex.getCause() : ex;
			}
			catch (TimeoutException ex) {
				failure = ex;
			}
			answered.add(new Sent(send.partition(), send.record(), send.messageId(), send.target(), send.future(),
					failure));
		}
		this.sent.clear();
		return answered;
	}

	/**
	 * A record sent.
	 *
	 * @param partition its dead-letter partition
	 * @param record the dead-letter record
	 * @param messageId its message id
	 * @param target the topic it was sent to
	 * @param future the broker's answer
	 * @param failure why it was not acknowledged, or {@code null}
	 */
	record Sent(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, @Nullable String messageId,
			String target, Future<?> future, @Nullable Throwable failure) {

	}

}
