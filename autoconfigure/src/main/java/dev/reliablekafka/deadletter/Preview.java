package dev.reliablekafka.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * A bounded, readable form of a record's key or value bytes: UTF-8 text when the bytes are text, Base64 otherwise,
 * so that a dead-letter record can be inspected without knowing its serializer.
 *
 * @param encoding {@value #UTF_8} or {@value #BASE64}
 * @param text the first bytes, as text or Base64
 * @param size the size of the whole key or value in bytes
 * @param truncated whether {@code text} shows only the first bytes
 */
public record Preview(String encoding, String text, int size, boolean truncated) {

	/** Encoding of a preview whose bytes are printable UTF-8 text. */
	public static final String UTF_8 = "utf-8";

	/** Encoding of a preview whose bytes are not text. */
	public static final String BASE64 = "base64";

	/**
	 * Return the preview of some bytes.
	 * @param bytes the bytes, or {@code null}
	 * @param limit the most bytes shown
	 * @return the preview, or {@code null} for {@code null} bytes
	 */
	public static @Nullable Preview of(byte @Nullable [] bytes, int limit) {
		if (bytes == null) {
			return null;
		}
		int shown = Math.min(bytes.length, limit);
		boolean truncated = shown < bytes.length;
		// A cut may fall inside a multi-byte character: give up to 3 bytes back before calling it binary.
		for (int length = shown; length >= Math.max(0, shown - (truncated ? 3 : 0)); length--) {
			String text = text(bytes, length);
			if (text != null) {
				return new Preview(UTF_8, text, bytes.length, truncated);
			}
		}
		byte[] head = new byte[shown];
		System.arraycopy(bytes, 0, head, 0, shown);
		return new Preview(BASE64, Base64.getEncoder().encodeToString(head), bytes.length, truncated);
	}

	private static @Nullable String text(byte[] bytes, int length) {
		try {
			String text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes, 0, length))
				.toString();
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
					return null;
				}
			}
			return text;
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

}
