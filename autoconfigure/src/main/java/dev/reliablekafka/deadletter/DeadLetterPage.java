package dev.reliablekafka.deadletter;

import java.util.List;

/**
 * The records a {@link DeadLetterQuery} found, newest first.
 *
 * @param group the consumer group
 * @param topic its dead-letter topic
 * @param records the records found, newest first
 * @param scanned how many records were read to find them
 * @param complete false when the scan stopped at its bound before the window was searched to its start, so that
 * older matching records may exist
 */
public record DeadLetterPage(String group, String topic, List<DeadLetter> records, long scanned, boolean complete) {

}
