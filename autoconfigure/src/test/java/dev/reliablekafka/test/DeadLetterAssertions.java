package dev.reliablekafka.test;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks a dead-lettered record against the record its producer wrote.
 */
public final class DeadLetterAssertions {

	private DeadLetterAssertions() {
	}

	/**
	 * Assert that a dead-lettered record is the original, byte for byte, with the full set of headers.
	 * @param dead the record read from the dead-letter topic
	 * @param original where the original was written
	 * @param key the original key bytes
	 * @param value the original value bytes
	 * @param group the consumer group
	 * @param exception the class of the exception that failed it
	 * @param reconsumeCount the expected retries after the first delivery
	 */
	public static void assertDeadLettered(ConsumerRecord<byte[], byte[]> dead, RecordMetadata original, byte[] key,
			byte[] value, String group, Class<? extends Throwable> exception, int reconsumeCount) {
		assertThat(dead.key()).isEqualTo(key);
		assertThat(dead.value()).isEqualTo(value);
		assertThat(header(dead, ReliableHeaders.MESSAGE_ID))
			.isEqualTo(original.topic() + "-" + original.partition() + "-" + original.offset());
		assertThat(header(dead, ReliableHeaders.RECONSUME_COUNT)).isEqualTo(Integer.toString(reconsumeCount));
		assertThat(header(dead, ReliableHeaders.ORIGINAL_TOPIC)).isEqualTo(original.topic());
		assertThat(header(dead, ReliableHeaders.ORIGINAL_PARTITION)).isEqualTo(Integer.toString(original.partition()));
		assertThat(header(dead, ReliableHeaders.ORIGINAL_OFFSET)).isEqualTo(Long.toString(original.offset()));
		assertThat(header(dead, ReliableHeaders.ORIGINAL_TIMESTAMP)).isEqualTo(Long.toString(original.timestamp()));
		assertThat(header(dead, ReliableHeaders.GROUP)).isEqualTo(group);
		assertThat(Long.parseLong(header(dead, ReliableHeaders.FIRST_FAILURE_TIME)))
			.isBetween(original.timestamp(), dead.timestamp());
		assertThat(header(dead, ReliableHeaders.EXCEPTION_CLASS)).isEqualTo(exception.getName());
		assertThat(header(dead, ReliableHeaders.EXCEPTION_MESSAGE)).isNotBlank();
		assertThat(header(dead, ReliableHeaders.EXCEPTION_STACKTRACE)).startsWith(exception.getName())
			.hasSizeLessThanOrEqualTo(ReliableHeaders.STACKTRACE_LIMIT);
	}

	/**
	 * Return a header as text.
	 * @param record the record
	 * @param name the header
	 * @return its value
	 */
	public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		String value = HeaderValues.text(record.headers(), name);
		assertThat(value).as("header " + name).isNotNull();
		return value;
	}

	/**
	 * Return UTF-8 bytes of a text.
	 * @param text the text
	 * @return its bytes
	 */
	public static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
