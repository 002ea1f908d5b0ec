package dev.reliablekafka.internal.routing;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The one way a consumed record is handed to another topic, for the failure router and the delay-tier scheduler
 * alike: sent without waiting and registered with the commit gate of the consumer it came from (see
 * {@link CommitGate}). The gate commits the record's offset only once the broker acknowledged the hand-off,
 * rewinds the record's partition to it if the hand-off failed, and with transactions on sends it in the
 * consumer's transaction of the poll, committed with the poll's offsets. The consumer commits as usual; no
 * caller waits for a hand-off or owns a transaction.
 */
public final class GatedHandOff {

	private final ForwardGate gate;

	private final RecordForwarder forwarder;

	private GatedHandOff(ForwardGate gate, RecordForwarder forwarder) {
		this.gate = gate;
		this.forwarder = forwarder;
	}

	/**
	 * Return the hand-offs of records consumed with a consumer.
	 * @param consumer the consumer, as its container hands it over: behind its commit gate
	 * @param forwarder sends the records
	 * @return the hand-offs
	 * @throws IllegalStateException if the consumer has no commit gate: nothing could hold its offsets back
	 */
	public static GatedHandOff of(Consumer<?, ?> consumer, RecordForwarder forwarder) {
		return of(consumer, ForwardGate.of(consumer), forwarder);
	}

	/**
	 * Return the hand-offs of records consumed with a consumer whose commit gate was looked up already.
	 * @param consumer the consumer
	 * @param gate its commit gate, or {@code null} if it has none
	 * @param forwarder sends the records
	 * @return the hand-offs
	 * @throws IllegalStateException if the consumer has no commit gate
	 */
	static GatedHandOff of(Consumer<?, ?> consumer, @Nullable ForwardGate gate, RecordForwarder forwarder) {
		if (gate == null) {
			throw new IllegalStateException("Consumer " + consumer + " has no commit gate, so nothing would hold its "
					+ "offsets back until a hand-off is acknowledged; records are handed over only from consumers "
					+ "of a factory whose last post-processor is a " + CommitGate.class.getName());
		}
		return new GatedHandOff(gate, forwarder);
	}

	/**
	 * Hand a record over without waiting, exactly as it is (a refusal as too large fails the hand-off). Its
	 * outcome is reported on the consumer's thread, when a commit or a poll of the consumer resolves it.
	 * @param record the consumed record, whose key and value are the raw bytes
	 * @param topic where to send it
	 * @param headers the headers to send with it
	 * @param outcome what to do once the hand-off is resolved
	 * @throws RuntimeException if the send failed at once; nothing was registered then, and with transactions on,
	 * the consumer's transaction was aborted and its partitions rewound
	 */
	public void send(ConsumerRecord<?, ?> record, String topic, Headers headers, Outcome outcome) {
		this.gate.register(partition(record),
				forward(record, topic, headers, false, false, new PipelinedForward.Outcomes() {

					@Override
					public void acknowledged(ConsumerRecord<?, ?> forwarded, String to, boolean brief) {
						outcome.handedOver();
					}

					@Override
					public void failed(ConsumerRecord<?, ?> forwarded, String to, boolean brief, Throwable cause) {
						outcome.failed(cause);
					}

					@Override
					public void rolledBack(ConsumerRecord<?, ?> forwarded, String to, boolean brief, Throwable cause) {
						outcome.rolledBack(cause);
					}

				}));
	}

	/**
	 * Return whether the record's partition was rewound, since it was delivered, to a record before it (whose
	 * hand-off failed): it comes back with that record, and handing it over now would hand it over twice.
	 * @param record a record of the last poll
	 * @return whether the record is delivered again
	 */
	public boolean isRewoundBelow(ConsumerRecord<?, ?> record) {
		return this.gate.isRewoundBelow(record);
	}

	/**
	 * Send a record without waiting, without registering it yet.
	 * @param brief whether to send it without the failure's stack trace
	 * @param shrinkable whether a refusal as too large is answered with a send without the failure's stack trace
	 * @throws RuntimeException if the send failed at once
	 */
	PipelinedForward forward(ConsumerRecord<?, ?> record, String topic, Headers headers, boolean brief,
			boolean shrinkable, PipelinedForward.Outcomes outcomes) {
		RecordForwarder sending = this.forwarder;
		ForwardGate consumerGate = this.gate;
		PipelinedForward.Sender sender = sending.isTransactional()
				? (consumed, to, with) -> consumerGate.sendInTransaction(sending, consumed, to, with) : sending::send;
		return new PipelinedForward(record, topic, headers, sending, sender, sending.isTransactional(), brief,
				shrinkable, outcomes);
	}

	/**
	 * Register a forward sent without waiting; the gate resolves it when a commit needs it.
	 */
	void register(PipelinedForward forward, ConsumerRecord<?, ?> record) {
		this.gate.register(partition(record), forward);
	}

	/**
	 * Register a forward and wait for its outcome, for a record whose next step depends on it.
	 * @return whether the broker acknowledged it
	 */
	boolean registerAndAwait(PipelinedForward forward, ConsumerRecord<?, ?> record) {
		return this.gate.registerAndAwait(partition(record), forward);
	}

	private static TopicPartition partition(ConsumerRecord<?, ?> record) {
		return new TopicPartition(record.topic(), record.partition());
	}

	/**
	 * What to do once a hand-off is resolved; runs on the consumer's thread.
	 */
	public interface Outcome {

		/**
		 * The broker acknowledged the hand-off (with transactions on: its transaction committed).
		 */
		void handedOver();

		/**
		 * The hand-off failed or timed out: the record's partition is rewound to it and it is delivered again.
		 * @param cause why it failed
		 */
		void failed(Throwable cause);

		/**
		 * The hand-off was undone with its transaction, which did not commit because of another hand-off or of
		 * the commit itself: the record is delivered again. By default, the same as {@link #failed}.
		 * @param cause why the transaction did not commit
		 */
		default void rolledBack(Throwable cause) {
			failed(cause);
		}

	}

}
