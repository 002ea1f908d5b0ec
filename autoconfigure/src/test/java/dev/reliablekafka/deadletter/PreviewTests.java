package dev.reliablekafka.deadletter;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Previews show text as text, cut on a character boundary, and anything else as Base64.
 */
class PreviewTests {

	@Test
	void textIsShownAsTextAndCutOnACharacterBoundary() {
		byte[] snowmen = "\u2603\u2603\u2603".getBytes(StandardCharsets.UTF_8);
		assertThat(Preview.of(snowmen, 100)).isEqualTo(new Preview(Preview.UTF_8, "\u2603\u2603\u2603", 9, false));
		assertThat(Preview.of(snowmen, 5)).isEqualTo(new Preview(Preview.UTF_8, "\u2603", 9, true));
		assertThat(Preview.of("a\nb\tc".getBytes(StandardCharsets.UTF_8), 10).encoding()).isEqualTo(Preview.UTF_8);
	}

	@Test
	void bytesThatAreNotTextAreShownAsBase64() {
		assertThat(Preview.of(new byte[] { 0, 1, 2 }, 10)).isEqualTo(new Preview(Preview.BASE64, "AAEC", 3, false));
		assertThat(Preview.of(new byte[] { (byte) 0xc3, 0x28 }, 10).encoding()).isEqualTo(Preview.BASE64);
		assertThat(Preview.of(null, 10)).isNull();
		assertThat(Preview.of(new byte[0], 10)).isEqualTo(new Preview(Preview.UTF_8, "", 0, false));
	}

}
