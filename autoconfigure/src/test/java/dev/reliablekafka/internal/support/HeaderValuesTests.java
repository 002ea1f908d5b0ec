package dev.reliablekafka.internal.support;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

import dev.reliablekafka.ReliableHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure headers stay bounded and can always be built: a long exception message is cut, the brief form
 * drops the stack trace, and neither a malformed count nor an exception that cannot describe itself throws.
 */
class HeaderValuesTests {

	@Test
	void longMessageIsCutWithAMarker() {
		Headers headers = HeaderValues.forFailure(record(), "group",
				new IllegalStateException("x".repeat(100_000)), 0, 1L);

		String message = text(headers, ReliableHeaders.EXCEPTION_MESSAGE);
		assertThat(message).hasSize(ReliableHeaders.EXCEPTION_MESSAGE_LIMIT).startsWith("xxx").endsWith("...[cut]");
		assertThat(text(headers, ReliableHeaders.EXCEPTION_STACKTRACE))
			.hasSize(ReliableHeaders.STACKTRACE_LIMIT)
			.endsWith("...[cut]");
	}

	@Test
	void briefFormHasNoStackTraceAndAShortMessage() {
		Headers full = HeaderValues.forFailure(record(), "group", new IllegalStateException("y".repeat(1000)), 2,
				1L);

		Headers brief = HeaderValues.brief(full);
		assertThat(brief.lastHeader(ReliableHeaders.EXCEPTION_STACKTRACE)).isNull();
		assertThat(text(brief, ReliableHeaders.EXCEPTION_MESSAGE))
			.hasSize(ReliableHeaders.EXCEPTION_MESSAGE_BRIEF_LIMIT);
		assertThat(text(brief, ReliableHeaders.RECONSUME_COUNT)).isEqualTo("2");
		assertThat(text(brief, "trace-id")).isEqualTo("abc");
		assertThat(full.lastHeader(ReliableHeaders.EXCEPTION_STACKTRACE)).isNotNull();
	}

	@Test
	void malformedCountsCountAsZero() {
		assertThat(HeaderValues.reconsumeCount(withCount("abc"))).isZero();
		assertThat(HeaderValues.reconsumeCount(withCount("-3"))).isZero();
		assertThat(HeaderValues.reconsumeCount(withCount("99999999999"))).isZero();
		assertThat(HeaderValues.reconsumeCount(withCount(" 4 "))).isEqualTo(4);
	}

	@Test
	void exceptionThatCannotDescribeItselfGetsAStandIn() {
		RuntimeException unreadable = new RuntimeException() {

			@Override
			public String getMessage() {
				throw new IllegalStateException("no message");
			}

		};

		Headers headers = HeaderValues.forFailure(record(), "group", unreadable, 0, 1L);
		assertThat(text(headers, ReliableHeaders.EXCEPTION_MESSAGE))
			.isEqualTo("<unavailable: getMessage() threw java.lang.IllegalStateException>");
		assertThat(text(headers, ReliableHeaders.EXCEPTION_STACKTRACE)).contains("\tat ");
		assertThat(FailureText.loggable(unreadable)).isNull();
	}

	@Test
	void exceptionWithoutReadableFramesGetsAStandIn() {
		RuntimeException frameless = new RuntimeException("no frames") {

			@Override
			public StackTraceElement[] getStackTrace() {
				throw new IllegalStateException("no frames");
			}

		};

		Headers headers = HeaderValues.forFailure(record(), "group", new IllegalStateException("outer", frameless),
				0, 1L);
		assertThat(text(headers, ReliableHeaders.EXCEPTION_MESSAGE)).isEqualTo("outer");
		assertThat(text(headers, ReliableHeaders.EXCEPTION_STACKTRACE)).startsWith("java.lang.IllegalStateException");
		assertThat(FailureText.loggable(frameless)).isNull();
		assertThat(FailureText.loggable(new IllegalStateException("outer", frameless))).isNull();
		assertThat(FailureText.loggable(new IllegalStateException("fine"))).isNotNull();
	}

	private static ConsumerRecord<byte[], byte[]> record() {
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 7, null, bytes("value"));
		record.headers().add("trace-id", bytes("abc"));
		return record;
	}

	private static ConsumerRecord<byte[], byte[]> withCount(String count) {
		ConsumerRecord<byte[], byte[]> record = record();
		record.headers().add(ReliableHeaders.RECONSUME_COUNT, bytes(count));
		return record;
	}

	private static String text(Headers headers, String key) {
		return HeaderValues.text(headers, key);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
