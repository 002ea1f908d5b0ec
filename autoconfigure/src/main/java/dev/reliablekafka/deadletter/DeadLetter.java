package dev.reliablekafka.deadletter;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One record of a dead-letter topic, as shown when browsing it.
 *
 * @param topic the dead-letter topic
 * @param partition its partition
 * @param offset its offset
 * @param timestamp its timestamp: when it was dead-lettered
 * @param messageId its {@code reliable-message-id}, or {@code null}
 * @param exceptionClass its {@code reliable-exception-class}, or {@code null}
 * @param redriveCount how many times it was redriven before it was dead-lettered this time
 * @param redriven whether an earlier redrive of the group already moved it (or refused it for having been
 * redriven too often), so that a redrive now would leave it alone
 * @param key the key, or {@code null}
 * @param value the value, or {@code null}
 * @param headers every header, by name (the last value of a repeated one), as UTF-8 text or
 * {@code base64:<bytes>}; long values are cut
 */
public record DeadLetter(String topic, int partition, long offset, Instant timestamp, @Nullable String messageId,
		@Nullable String exceptionClass, int redriveCount, boolean redriven, @Nullable Preview key,
		@Nullable Preview value, Map<String, String> headers) {

}
