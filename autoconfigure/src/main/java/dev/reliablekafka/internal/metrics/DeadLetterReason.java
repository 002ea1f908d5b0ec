package dev.reliablekafka.internal.metrics;

import org.springframework.kafka.support.converter.ConversionException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.messaging.converter.MessageConversionException;

/**
 * Why a record was sent to the dead-letter topic.
 */
public enum DeadLetterReason {

	/** It failed on every attempt or retry its policy allows. */
	ATTEMPTS_USED_UP("attempts-used-up"),

	/** It failed with an exception that no retry can fix. */
	NOT_RETRYABLE("not-retryable"),

	/** Its key or value cannot be deserialized or converted: no listener can process it. */
	POISON("poison");

	private final String tag;

	DeadLetterReason(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the reason as a meter tag value.
	 * @return e.g. {@code attempts-used-up}
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Return the reason of a record dead-lettered after a failure.
	 * @param thrown what it failed with
	 * @param retryable whether the failure was retryable, so that the record used up its attempts
	 * @return the reason
	 */
	public static DeadLetterReason of(Throwable thrown, boolean retryable) {
		if (retryable) {
			return ATTEMPTS_USED_UP;
		}
		for (Throwable cause = thrown; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof DeserializationException || cause instanceof MessageConversionException
					|| cause instanceof ConversionException) {
				return POISON;
			}
		}
		return NOT_RETRYABLE;
	}

}
