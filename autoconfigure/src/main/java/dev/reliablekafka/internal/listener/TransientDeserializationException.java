package dev.reliablekafka.internal.listener;

import java.io.IOException;

import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.KafkaException;

/**
 * A record could not be deserialized because something the deserializer needs was unreachable (a schema
 * registry that is down, say), not because the record is bad. Unlike a
 * {@link org.springframework.kafka.support.serializer.DeserializationException}, which marks a poison record,
 * this failure is retried like any listener failure: its causes hold only the I/O or retriable error, so that no
 * not-retryable exception type matches it.
 */
final class TransientDeserializationException extends KafkaException {

	private static final long serialVersionUID = 1L;

	private TransientDeserializationException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Return the retryable failure for a deserialization failure caused by an I/O or retriable error.
	 * @param what which part of which record failed
	 * @param failure what the deserializer threw or reported
	 * @return the exception to throw, or {@code null} if the failure is not transient
	 */
	static @Nullable TransientDeserializationException of(String what, Throwable failure) {
		Throwable transientCause = transientCause(failure);
		return (transientCause != null)
				? new TransientDeserializationException(what + " could not be deserialized for now: " + failure,
						transientCause)
				: null;
	}

	private static @Nullable Throwable transientCause(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < 32; depth++) {
			// ConnectException and SocketTimeoutException are IOExceptions.
			if (cause instanceof IOException || cause instanceof RetriableException) {
				return cause;
			}
			cause = (cause.getCause() != cause) ? cause.getCause() : null;
		}
		return null;
	}

}
