package dev.reliablekafka.blocking;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Remembers, per partition, the record that is being retried in place: how often it failed, when it first
 * failed and where its back-off stands. A partition has at most one such record, because nothing behind it is
 * processed until it succeeds or is dead-lettered.
 */
public final class InPlaceRetries {

	private final Map<TopicPartition, Failure> failures = new ConcurrentHashMap<>();

	private final BackOff backOff;

	/**
	 * Create the tracker of one listener.
	 * @param backOff the listener's back-off
	 */
	public InPlaceRetries(BackOff backOff) {
		this.backOff = backOff;
	}

	/**
	 * Count a failed delivery of a record.
	 * @param record the record that failed
	 * @return the record's failure state, counting this delivery
	 */
	public Failure failed(ConsumerRecord<?, ?> record) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		Failure failure = this.failures.compute(partition, (key, known) -> (known != null
				&& known.offset == record.offset()) ? known : new Failure(record.offset(), this.backOff.start()));
		failure.failedAttempts++;
		return failure;
	}

	/**
	 * Return how many deliveries of a record have failed so far, without counting one.
	 * @param record the record about to be delivered
	 * @return its failed deliveries, 0 if it has not failed
	 */
	public int failedAttempts(ConsumerRecord<?, ?> record) {
		Failure known = this.failures.get(new TopicPartition(record.topic(), record.partition()));
		return (known != null && known.offset == record.offset()) ? known.failedAttempts : 0;
	}

	/**
	 * Forget a record that no longer needs retrying.
	 * @param record the record
	 */
	public void forget(ConsumerRecord<?, ?> record) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		this.failures.computeIfPresent(partition, (key, known) -> (known.offset == record.offset()) ? null : known);
	}

	/**
	 * Failure state of one record.
	 */
	public static final class Failure {

		private final long offset;

		private final BackOffExecution backOff;

		private final long firstFailureTime = System.currentTimeMillis();

		private int failedAttempts;

		Failure(long offset, BackOffExecution backOff) {
			this.offset = offset;
			this.backOff = backOff;
		}

		/**
		 * Return how many deliveries of the record failed.
		 * @return the failed deliveries, at least 1
		 */
		public int failedAttempts() {
			return this.failedAttempts;
		}

		/**
		 * Return when the record failed for the first time.
		 * @return epoch milliseconds
		 */
		public long firstFailureTime() {
			return this.firstFailureTime;
		}

		/**
		 * Return the wait before the next delivery, advancing the back-off.
		 * @return milliseconds
		 */
		public long nextBackOff() {
			return this.backOff.nextBackOff();
		}

	}

}
