package dev.reliablekafka.deadletter;

/**
 * A browse or redrive request that cannot be served as asked (an unknown group, a filter value that makes no
 * sense, a limit out of range). Nothing was read or changed.
 */
public class InvalidDeadLetterRequestException extends IllegalArgumentException {

	/**
	 * Create the exception.
	 * @param message what is wrong and how to ask instead
	 */
	public InvalidDeadLetterRequestException(String message) {
		super(message);
	}

}
