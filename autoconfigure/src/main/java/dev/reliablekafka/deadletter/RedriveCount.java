package dev.reliablekafka.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.reliablekafka.routing.FailureHeaders;
import dev.reliablekafka.routing.ReliableHeaders;

/**
 * Reads {@link ReliableHeaders#REDRIVE_COUNT}.
 */
final class RedriveCount {

	private RedriveCount() {
	}

	/**
	 * Return how many times a record was redriven.
	 * @param record the dead-letter record
	 * @return its count; 0 when it carries none, or one that is not a count
	 */
	static int of(ConsumerRecord<?, ?> record) {
		String text = FailureHeaders.text(record.headers(), ReliableHeaders.REDRIVE_COUNT);
		if (text == null) {
			return 0;
		}
		try {
			return Math.max(0, Integer.parseInt(text.trim()));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
