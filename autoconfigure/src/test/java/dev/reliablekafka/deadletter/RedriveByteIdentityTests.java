package dev.reliablekafka.deadletter;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;

import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redriven records are the dead-letter records byte for byte, to the retry topic and to the original topic: key,
 * value and every header in order (repeated ones, one without a value, binary ones), except the redrive count,
 * which is one more than the record had.
 */
class RedriveByteIdentityTests {

	@Test
	void redrivenRecordsAreTheDeadLetterRecordsByteForByte() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				DeadLetterFixture fixture = new DeadLetterFixture(kafka, 1)) {
			byte[] key = { 0, (byte) 0xff, (byte) 0xc3, 0x28 };
			byte[] value = { (byte) 0x80, 1, 2, 3, 0, (byte) 0xfe };
			RecordHeaders headers = fixture.headers("m0", "java.lang.IllegalStateException", "traceparent",
					"00-abc-01", "dup", "first", "dup", "second");
			headers.add("binary", new byte[] { (byte) 0xff, 0 });
			headers.add("empty", null);
			headers.add(ReliableHeaders.REDRIVE_COUNT, DeadLetterFixture.utf8("1"));
			fixture.write(0, null, key, value, headers);
			fixture.write(0, null, null, null, fixture.headers("m1", "java.lang.IllegalStateException"));
			DeadLetters deadLetters = fixture.deadLetters();
			List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(fixture.deadLetterTopic(), 2);

			RedriveResult toRetry = deadLetters.redrive(fixture.group,
					RedriveRequest.dryRunOfAll().withDryRun(false).withMessageIds(List.of("m0", "m1")));
			assertThat(toRetry.moved()).isEqualTo(2);
			List<ConsumerRecord<byte[], byte[]>> retried = fixture.retried(2);
			assertSameBytes(retried.get(0), dead.get(0), "2");
			assertSameBytes(retried.get(1), dead.get(1), "1");

			fixture.write(0, null, key, value, headers);
			RedriveResult toOriginal = deadLetters.redrive(fixture.group,
					RedriveRequest.dryRunOfAll().withDryRun(false).withTarget(RedriveTarget.ORIGINAL));
			assertThat(toOriginal.target()).isEqualTo("original");
			assertThat(toOriginal.records()).extracting(RedriveResult.Entry::detail).containsExactly(fixture.source);
			assertSameBytes(kafka.readAll(fixture.source, 1).get(0), dead.get(0), "2");
		}
	}

	private static void assertSameBytes(ConsumerRecord<byte[], byte[]> redriven, ConsumerRecord<byte[], byte[]> dead,
			String redriveCount) {
		assertThat(redriven.key()).isEqualTo(dead.key());
		assertThat(redriven.value()).isEqualTo(dead.value());
		assertThat(withoutRedriveCount(redriven)).containsExactlyElementsOf(withoutRedriveCount(dead));
		assertThat(redriven.headers().headers(ReliableHeaders.REDRIVE_COUNT)).hasSize(1);
		assertThat(header(redriven, ReliableHeaders.REDRIVE_COUNT)).isEqualTo(redriveCount);
	}

	private static List<String> withoutRedriveCount(ConsumerRecord<byte[], byte[]> record) {
		List<String> headers = new ArrayList<>();
		for (Header header : record.headers()) {
			if (!header.key().equals(ReliableHeaders.REDRIVE_COUNT)) {
				headers.add(header.key() + "=" + ((header.value() != null)
						? java.util.HexFormat.of().formatHex(header.value()) : "null"));
			}
		}
		return headers;
	}

}
