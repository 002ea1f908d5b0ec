package dev.reliablekafka.deadletter;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * Reads and increments {@link ReliableHeaders#REDRIVE_COUNT}.
 */
final class RedriveCount {

	private RedriveCount() {
	}

	/**
	 * Return a record's headers as they are, with the redrive count replaced by one more, at the end.
	 * @param headers the dead-letter record's headers
	 * @return new headers
	 */
	static Headers incremented(Headers headers) {
		RecordHeaders copy = new RecordHeaders();
		for (Header header : headers) {
			if (!header.key().equals(ReliableHeaders.REDRIVE_COUNT)) {
				copy.add(header);
			}
		}
		String text = HeaderValues.text(headers, ReliableHeaders.REDRIVE_COUNT);
		int count = (text != null) ? parse(text) : 0;
		copy.add(ReliableHeaders.REDRIVE_COUNT, Integer.toString(count + 1).getBytes(StandardCharsets.UTF_8));
		return copy;
	}

	/**
	 * Return how many times a record was redriven.
	 * @param record the dead-letter record
	 * @return its count; 0 when it carries none, or one that is not a count
	 */
	static int of(ConsumerRecord<?, ?> record) {
		String text = HeaderValues.text(record.headers(), ReliableHeaders.REDRIVE_COUNT);
		return (text != null) ? parse(text) : 0;
	}

	private static int parse(String text) {
		try {
			return Math.max(0, Integer.parseInt(text.trim()));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
