package dev.reliablekafka.internal.actuate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.reliablekafka.deadletter.InvalidDeadLetterRequestException;
import dev.reliablekafka.deadletter.RedriveTarget;

/**
 * Reads the values of an endpoint request, each with a message that names the parameter and what it accepts when
 * it cannot be read.
 */
final class RequestValues {

	private RequestValues() {
	}

	static @Nullable Instant instant(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.trim();
		try {
			if (text.chars().allMatch(Character::isDigit)) {
				return Instant.ofEpochMilli(Long.parseLong(text));
			}
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			throw invalid(name, value, "an ISO-8601 time such as 2026-11-26T10:15:30Z, or epoch milliseconds");
		}
	}

	static @Nullable Integer integer(String name, @Nullable Object value) {
		if (value == null || (value instanceof String text && text.isBlank())) {
			return null;
		}
		try {
			if (value instanceof Number number && number.doubleValue() == number.intValue()) {
				return number.intValue();
			}
			return Integer.valueOf(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			throw invalid(name, value, "a whole number");
		}
	}

	static @Nullable Double number(String name, @Nullable Object value) {
		if (value == null || (value instanceof String text && text.isBlank())) {
			return null;
		}
		try {
			return (value instanceof Number number) ? number.doubleValue() : Double.valueOf(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			throw invalid(name, value, "a number");
		}
	}

	static boolean bool(String name, @Nullable Object value, boolean otherwise) {
		if (value == null) {
			return otherwise;
		}
		if (value instanceof Boolean bool) {
			return bool;
		}
		String text = value.toString().trim().toLowerCase(Locale.ROOT);
		if (text.equals("true") || text.equals("false")) {
			return Boolean.parseBoolean(text);
		}
		throw invalid(name, value, "true or false");
	}

	static List<String> strings(String name, @Nullable Object value) {
		if (value == null) {
			return List.of();
		}
		List<String> strings = new ArrayList<>();
		if (value instanceof Collection<?> values) {
			for (Object element : values) {
				if (element == null || element instanceof Collection<?> || element instanceof java.util.Map<?, ?>) {
					throw invalid(name, value, "a list of message ids");
				}
				strings.add(element.toString());
			}
		}
		else if (value instanceof String text) {
			for (String id : text.split(",")) {
				if (!id.isBlank()) {
					strings.add(id.trim());
				}
			}
		}
		else {
			throw invalid(name, value, "a list of message ids");
		}
		return strings;
	}

	static RedriveTarget target(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return RedriveTarget.RETRY;
		}
		try {
			return RedriveTarget.valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw invalid("target", value, "RETRY (the group's retry topic) or ORIGINAL (the record's original topic)");
		}
	}

	private static InvalidDeadLetterRequestException invalid(String name, Object value, String accepted) {
		return new InvalidDeadLetterRequestException(name + " is '" + value + "' but must be " + accepted);
	}

}
