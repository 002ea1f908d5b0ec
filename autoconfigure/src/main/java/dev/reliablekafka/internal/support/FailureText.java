package dev.reliablekafka.internal.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Reads the text of an exception without trusting it: a listener's exception may throw from
 * {@code getMessage()}, {@code toString()} or {@code printStackTrace()}, and the failure router must still hand
 * its record over or put it back. Every method here returns a stand-in text instead of throwing.
 */
public final class FailureText {

	/** Appended to a text that was cut to its limit. */
	public static final String CUT_MARKER = "...[cut]";

	private static final int MAX_CAUSES = 32;

	private FailureText() {
	}

	/**
	 * Return an exception's message.
	 * @param failure the exception
	 * @return its message, {@code "null"} if it has none, or a stand-in if reading it failed
	 */
	public static String message(Throwable failure) {
		try {
			return String.valueOf(failure.getMessage());
		}
		catch (RuntimeException | LinkageError ex) {
			return unavailable("getMessage()", ex);
		}
	}

	/**
	 * Return an exception's class and message, for a log line.
	 * @param failure the exception
	 * @return {@code class: message}
	 */
	public static String summary(Throwable failure) {
		return failure.getClass().getName() + ": " + message(failure);
	}

	/**
	 * Return an exception's stack trace as {@link Throwable#printStackTrace()} prints it, or, if that fails, its
	 * class and stack frames.
	 * @param failure the exception
	 * @return the stack trace
	 */
	public static String stackTrace(Throwable failure) {
		try {
			StringWriter writer = new StringWriter();
			failure.printStackTrace(new PrintWriter(writer));
			return writer.toString();
		}
		catch (RuntimeException | LinkageError ex) {
			StringBuilder trace = new StringBuilder(summary(failure)).append(System.lineSeparator());
			try {
				for (StackTraceElement frame : failure.getStackTrace()) {
					trace.append("\tat ").append(frame).append(System.lineSeparator());
				}
			}
			catch (RuntimeException | LinkageError frames) {
				trace.append("\t").append(unavailable("getStackTrace()", frames));
			}
			return trace.toString();
		}
	}

	/**
	 * Return the exception itself if a logger can print it, so that a faulty exception does not make logging
	 * throw.
	 * @param failure the exception
	 * @return the exception, or {@code null} if printing it throws
	 */
	public static @Nullable Throwable loggable(@Nullable Throwable failure) {
		if (failure == null) {
			return null;
		}
		try {
			// What a logger reads: printStackTrace() does not call the overridable getStackTrace(), loggers do.
			failure.printStackTrace(new PrintWriter(new StringWriter()));
			Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
			for (Throwable cause = failure; cause != null && seen.size() < MAX_CAUSES && seen.add(cause);
					cause = cause.getCause()) {
				cause.getMessage();
				cause.getLocalizedMessage();
				cause.getStackTrace();
				for (Throwable suppressed : cause.getSuppressed()) {
					suppressed.getMessage();
					suppressed.getStackTrace();
				}
			}
			return failure;
		}
		catch (RuntimeException | LinkageError ex) {
			return null;
		}
	}

	/**
	 * Return whether an exception or one of its causes is of a type.
	 * @param failure the exception
	 * @param type the type
	 * @return whether it is found in the cause chain
	 */
	public static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Throwable cause = failure;
		try {
			while (cause != null && seen.size() < MAX_CAUSES && seen.add(cause)) {
				if (type.isInstance(cause)) {
					return true;
				}
				cause = cause.getCause();
			}
		}
		catch (RuntimeException | LinkageError ex) {
			// A cause that cannot be read is not of the type.
		}
		return false;
	}

	/**
	 * Cut a text to a number of characters, the marker included, never splitting a surrogate pair.
	 * @param text the text
	 * @param limit the most characters to keep; at least the marker's length
	 * @return the text, or its beginning followed by {@link #CUT_MARKER}
	 */
	public static String cut(String text, int limit) {
		if (text.length() <= limit) {
			return text;
		}
		int end = limit - CUT_MARKER.length();
		if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
			end--;
		}
		return text.substring(0, end) + CUT_MARKER;
	}

	private static String unavailable(String method, Throwable why) {
		return "<unavailable: " + method + " threw " + why.getClass().getName() + ">";
	}

}
