package dev.reliablekafka.internal.blocking;

import org.jspecify.annotations.Nullable;

/**
 * The failed attempts of a record, as kept in its group's committed offset metadata: {@code rk1;o=<offset>;
 * a=<failed attempts>;f=<first failure time>}. Short, versioned text, so that Kafka's tools show it and a later
 * format can tell an older one apart. Metadata in any other form (the application's own, say) is not ours and
 * is ignored.
 *
 * @param offset the offset of the record
 * @param failedAttempts its failed deliveries
 * @param firstFailureTime when it failed for the first time, epoch milliseconds
 */
record AttemptMetadata(long offset, int failedAttempts, long firstFailureTime) {

	private static final String VERSION = "rk1";

	/**
	 * Return the metadata text.
	 * @return the text to commit
	 */
	String format() {
		return VERSION + ";o=" + this.offset + ";a=" + this.failedAttempts + ";f=" + this.firstFailureTime;
	}

	/**
	 * Read metadata text.
	 * @param text committed metadata, possibly empty or someone else's
	 * @return the attempts it records, or {@code null} if it is not ours or not valid
	 */
	static @Nullable AttemptMetadata parse(@Nullable String text) {
		if (text == null || !text.startsWith(VERSION + ";")) {
			return null;
		}
		Long offset = null;
		Long attempts = null;
		Long first = null;
		for (String field : text.substring(VERSION.length() + 1).split(";")) {
			int equals = field.indexOf('=');
			if (equals < 0) {
				return null;
			}
			Long number = number(field.substring(equals + 1));
			switch (field.substring(0, equals)) {
				case "o" -> offset = number;
				case "a" -> attempts = number;
				case "f" -> first = number;
				default -> {
					// a field of a later revision of this version: ignored
				}
			}
		}
		if (offset == null || attempts == null || first == null || offset < 0 || attempts < 1
				|| attempts > Integer.MAX_VALUE) {
			return null;
		}
		return new AttemptMetadata(offset, attempts.intValue(), first);
	}

	private static @Nullable Long number(String text) {
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
