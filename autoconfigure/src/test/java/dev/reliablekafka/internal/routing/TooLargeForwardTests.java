package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import dev.reliablekafka.ReliableHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Container contract: a record that is too large to forward even without the failure's stack trace can never be
 * handed over: it is not skipped, but its partition is rewound to it and it is retried in place, each retry trying
 * both forms again; nothing at or after it is committed until a forward succeeds.
 */
class TooLargeForwardTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	@Test
	void recordTooLargeEvenWithoutItsStackTraceStaysInPlace() {
		try (GatedContainer container = new GatedContainer().records(PARTITION, "A", "B")) {
			container.start(AckMode.RECORD, "A"::equals, Duration.ofSeconds(5), Duration.ofMillis(20));

			refuse(container, 1);
			refuse(container, 2);
			await().atMost(Duration.ofSeconds(10)).until(() -> container.calls().contains("seek orders-0 0")
					&& container.delivered().size() >= 3);
			// Retried in place: both forms again.
			refuse(container, 3);
			refuse(container, 4);

			List<ProducerRecord<byte[], byte[]>> sent = container.producer.history();
			assertThat(sent).extracting(ProducerRecord::topic).containsOnly(GatedContainer.TIER);
			assertThat(sent).extracting(record -> new String(record.value(), StandardCharsets.UTF_8)).containsOnly("A");
			assertThat(sent).extracting(record -> record.headers().lastHeader(ReliableHeaders.EXCEPTION_STACKTRACE) != null)
				.as("sent with the failure's stack trace").containsExactly(true, false, true, false);
			assertThat(container.delivered()).startsWith("A", "B", "A");

			// Once a forward succeeds, A is handed over and everything is committed.
			await().atMost(Duration.ofSeconds(10)).until(() -> container.producer.history().size() == 5);
			assertThat(container.commits()).as("commits while A was not handed over")
				.allMatch(commit -> commit.getOrDefault(PARTITION, 0L) == 0);
			container.producer.completeNext();
			await().atMost(Duration.ofSeconds(10)).until(() -> container.commits().contains(Map.of(PARTITION, 2L)));
		}
	}

	// Refuse the given send, as the broker refuses a record larger than the topic's max.message.bytes.
	private static void refuse(GatedContainer container, int send) {
		await().atMost(Duration.ofSeconds(10)).until(() -> container.producer.history().size() == send);
		container.producer.errorNext(new RecordTooLargeException("The request included a message larger than the "
				+ "max message size the server will accept."));
	}

}
