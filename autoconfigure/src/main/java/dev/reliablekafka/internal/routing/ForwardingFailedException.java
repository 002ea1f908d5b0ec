package dev.reliablekafka.internal.routing;

import org.springframework.kafka.KafkaException;

/**
 * The broker did not acknowledge a record forwarded to another topic: the record has not been handed over and
 * must not be committed.
 */
public class ForwardingFailedException extends KafkaException {

	/**
	 * Create the exception.
	 * @param message what could not be forwarded, and where to
	 * @param cause why
	 */
	public ForwardingFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
