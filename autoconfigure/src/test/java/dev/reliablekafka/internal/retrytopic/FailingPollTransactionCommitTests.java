package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract, transactions on: every hand-off of a due record is acknowledged, but the poll's
 * transaction never commits (the broker refuses the scheduler's group its offsets). The record is delivered again
 * and handed over again; like any other failed hand-off, it must be tried again only after
 * {@link SchedulerListener#FORWARD_RETRY_INTERVAL}, not in a loop as fast as the consumer polls, each round
 * writing the record and an abort marker to the retry topic.
 */
class FailingPollTransactionCommitTests {

	@Test
	void pollTransactionThatKeepsFailingToCommitIsRetriedAfterTheRetryInterval() {
		RefusingCommitsProducer producer = new RefusingCommitsProducer();
		try (SchedulerContainer scheduler = new SchedulerContainer(producer).records(1).transactional()) {
			scheduler.start(Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(10)).until(() -> producer.commitsRefused.get() >= 1);
			int before = producer.transactionsBegun.get();

			// One retry a second: a handful of transactions in two seconds, not one per poll.
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
				.untilAsserted(() -> assertThat(producer.transactionsBegun.get() - before)
					.as("transactions begun since the first refused commit").isLessThanOrEqualTo(5));
		}
	}

	/**
	 * Acknowledges every send, and fails every commit as Kafka's producer does once the offsets it was to commit
	 * were refused; the transaction is then over.
	 */
	static final class RefusingCommitsProducer extends MockProducer<byte[], byte[]> {

		final AtomicInteger transactionsBegun = new AtomicInteger();

		final AtomicInteger commitsRefused = new AtomicInteger();

		RefusingCommitsProducer() {
			super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
		}

		@Override
		public synchronized void beginTransaction() {
			super.beginTransaction();
			this.transactionsBegun.incrementAndGet();
		}

		@Override
		public synchronized void commitTransaction() {
			super.abortTransaction();
			this.commitsRefused.incrementAndGet();
			throw new KafkaException("Cannot execute transactional method because we are in an error state",
					new GroupAuthorizationException("Not authorized to access group: app.delay-scheduler"));
		}

		@Override
		public void close() {
		}

		@Override
		public void close(Duration timeout) {
		}

	}

}
