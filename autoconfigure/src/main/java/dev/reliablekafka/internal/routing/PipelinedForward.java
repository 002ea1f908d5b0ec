package dev.reliablekafka.internal.routing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.internal.support.FailureText;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * A record on its way to another topic (a failed record to a delay tier or the dead-letter topic, a due record to
 * its retry topic), sent without waiting. It is resolved on the consumer's thread when a commit needs it: a
 * forward of a failed record that the broker refuses as too large is sent once more without the failure's stack
 * trace (the key and value are never altered; with transactions on, the refusal fails the transaction and the
 * brief form is sent when the record is delivered again), and a forward not acknowledged within the forward
 * timeout counts as failed.
 */
final class PipelinedForward implements InFlightForward {

	private final ConsumerRecord<?, ?> record;

	private final String topic;

	private final Headers headers;

	private final RecordForwarder forwarder;

	private final Sender sender;

	private final Outcomes outcomes;

	// Sent in a transaction: handed over only once the transaction committed.
	private final boolean transactional;

	// Whether a refusal as too large is answered with a send without the failure's stack trace.
	private final boolean shrinkable;

	private CompletableFuture<?> sent;

	private long expiry;

	private boolean brief;

	private @Nullable Outcome resolved;

	/**
	 * Send a record.
	 * @throws RuntimeException if the send failed at once
	 */
	PipelinedForward(ConsumerRecord<?, ?> record, String topic, Headers headers, RecordForwarder forwarder,
			Sender sender, boolean transactional, Outcomes outcomes) {
		this(record, topic, headers, forwarder, sender, transactional, false, outcomes);
	}

	/**
	 * Send a record, without the failure's stack trace if {@code brief}.
	 * @throws RuntimeException if the send failed at once
	 */
	PipelinedForward(ConsumerRecord<?, ?> record, String topic, Headers headers, RecordForwarder forwarder,
			Sender sender, boolean transactional, boolean brief, Outcomes outcomes) {
		this(record, topic, headers, forwarder, sender, transactional, brief, true, outcomes);
	}

	/**
	 * Send a record, without the failure's stack trace if {@code brief}.
	 * @param shrinkable whether a refusal as too large is answered with a send without the failure's stack trace;
	 * otherwise it fails the forward
	 * @throws RuntimeException if the send failed at once
	 */
	PipelinedForward(ConsumerRecord<?, ?> record, String topic, Headers headers, RecordForwarder forwarder,
			Sender sender, boolean transactional, boolean brief, boolean shrinkable, Outcomes outcomes) {
		this.brief = brief;
		this.shrinkable = shrinkable;
		this.record = record;
		this.topic = topic;
		this.headers = headers;
		this.forwarder = forwarder;
		this.sender = sender;
		this.outcomes = outcomes;
		this.transactional = transactional;
		this.expiry = System.nanoTime() + forwarder.timeout().toNanos();
		this.sent = sender.send(record, topic, brief ? HeaderValues.brief(headers) : headers);
	}

	@Override
	public long offset() {
		return this.record.offset();
	}

	@Override
	public Outcome await(long deadlineNanos) {
		while (this.resolved == null) {
			long until = (deadlineNanos - this.expiry < 0) ? deadlineNanos : this.expiry;
			try {
				this.sent.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
				this.resolved = Outcome.ACKNOWLEDGED;
				if (!this.transactional) {
					this.outcomes.acknowledged(this.record, this.topic, this.brief);
				}
			}
			catch (TimeoutException ex) {
				if (System.nanoTime() - this.expiry < 0) {
					return Outcome.PENDING;
				}
				failed(new ForwardingFailedException("The forward of a record to " + this.topic
						+ " was not acknowledged within " + this.forwarder.timeout(), ex));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Outcome.PENDING; // never committed on a guess
			}
			catch (ExecutionException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				// In a transaction the refusal fails it: the brief form is sent when the record comes back.
				if (this.brief || this.transactional || !this.shrinkable
						|| !FailureText.causedBy(cause, RecordTooLargeException.class)) {
					failed(cause);
				}
				else {
					resendBrief();
				}
			}
		}
		return this.resolved;
	}

	// Refused as too large (by the broker or the producer): only the failure details may shrink.
	private void resendBrief() {
		this.brief = true;
		try {
			this.expiry = System.nanoTime() + this.forwarder.timeout().toNanos();
			this.sent = this.sender.send(this.record, this.topic, HeaderValues.brief(this.headers));
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void committed() {
		if (this.transactional && this.resolved == Outcome.ACKNOWLEDGED) {
			this.outcomes.acknowledged(this.record, this.topic, this.brief);
		}
	}

	@Override
	public void rolledBack(Throwable cause) {
		if (this.resolved != Outcome.FAILED) {
			this.resolved = Outcome.FAILED;
			this.outcomes.rolledBack(this.record, this.topic, this.brief, cause);
		}
	}

	private void failed(Throwable cause) {
		this.resolved = Outcome.FAILED;
		this.outcomes.failed(this.record, this.topic, this.brief, cause);
	}

	/**
	 * Sends a record without waiting.
	 */
	@FunctionalInterface
	interface Sender {

		/**
		 * Send a record.
		 * @param record the consumed record
		 * @param topic where to send it
		 * @param headers the headers to send with it
		 * @return completes when the broker acknowledged the record
		 */
		CompletableFuture<?> send(ConsumerRecord<?, ?> record, String topic, Headers headers);

	}

	/**
	 * What the failure router does when a forward is resolved, on the consumer's thread.
	 */
	interface Outcomes {

		/**
		 * The broker acknowledged the forward (in a transaction: the transaction committed).
		 * @param record the forwarded record
		 * @param topic where it went
		 * @param brief whether it went without the failure's stack trace
		 */
		void acknowledged(ConsumerRecord<?, ?> record, String topic, boolean brief);

		/**
		 * The forward failed: the record is delivered again.
		 * @param record the record
		 * @param topic where it was to go
		 * @param brief whether the forward without the failure's stack trace failed
		 * @param cause why
		 */
		void failed(ConsumerRecord<?, ?> record, String topic, boolean brief, Throwable cause);

		/**
		 * The forward was undone with the transaction it was sent in, which did not commit (because of another
		 * forward, or of the commit itself): the record is delivered again.
		 * @param record the record
		 * @param topic where it was to go
		 * @param brief whether it was sent without the failure's stack trace
		 * @param cause why the transaction did not commit
		 */
		default void rolledBack(ConsumerRecord<?, ?> record, String topic, boolean brief, Throwable cause) {
			failed(record, topic, brief, cause);
		}

	}

}
