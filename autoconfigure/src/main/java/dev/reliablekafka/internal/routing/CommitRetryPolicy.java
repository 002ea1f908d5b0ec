package dev.reliablekafka.internal.routing;

import java.time.Duration;

import org.apache.kafka.common.errors.TimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * When the commit of one transaction is tried again: only after a time-out, which may hide a commit the broker
 * took (Kafka's contract is to call {@code commitTransaction()} again), every 100 ms, for up to the forward timeout
 * after the first time-out; any other error ends the retries. It holds the state of one commit, so each commit
 * gets its own.
 */
final class CommitRetryPolicy implements RetryPolicy {

	// Logged as the hand-off whose commit is retried.
	private static final LogAccessor logger = new LogAccessor(TransactionalHandOff.class);

	/** Spares the broker a burst of retries when a commit fails at once with a time-out. */
	private static final long INTERVAL_MILLIS = 100;

	private final Duration timeout;

	private long deadline;

	private @Nullable TimeoutException timedOut;

	private boolean retrying;

	/**
	 * Create the policy of one commit.
	 * @param timeout how long after its first time-out the commit is tried again
	 */
	CommitRetryPolicy(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public boolean shouldRetry(Throwable failure) {
		this.retrying = false;
		if (!(failure instanceof TimeoutException ex)) {
			return false;
		}
		if (this.timedOut == null) {
			this.deadline = System.nanoTime() + this.timeout.toNanos();
		}
		else if (System.nanoTime() - this.deadline >= 0) {
			return false;
		}
		this.timedOut = ex;
		this.retrying = true;
		logger.warn(() -> "A transaction commit timed out (" + ex.getMessage() + "); it may still complete and is "
				+ "retried");
		return true;
	}

	@Override
	public BackOff getBackOff() {
		return new FixedBackOff(INTERVAL_MILLIS, FixedBackOff.UNLIMITED_ATTEMPTS);
	}

	/**
	 * Return the last time-out that was retried.
	 * @return the time-out, or {@code null} if no try timed out
	 */
	@Nullable TimeoutException timedOut() {
		return this.timedOut;
	}

	/**
	 * Tell whether the last failure was to be retried: when the retries stopped all the same, the wait before
	 * the next try was interrupted.
	 * @return whether a retry was due
	 */
	boolean retryDue() {
		return this.retrying;
	}

}
