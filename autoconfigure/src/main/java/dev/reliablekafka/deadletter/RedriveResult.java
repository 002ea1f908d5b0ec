package dev.reliablekafka.deadletter;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a redrive did, or in a dry run would do.
 *
 * @param group the consumer group
 * @param source its dead-letter topic
 * @param target where records went: the retry topic, or {@code original} for their original topics
 * @param dryRun whether nothing was written
 * @param moved records written to the target and acknowledged by the broker (in a dry run: that would be)
 * @param refused records not moved because they were redriven {@code max-redrives} times already (the loop guard),
 * or carry no original topic to go back to
 * @param skipped records not moved because a filter or {@code maxCount} left them out; a later redrive may move them
 * @param alreadyRedriven records read that an earlier redrive moved or refused, left alone (records below the
 * redrive group's committed offset are not even read)
 * @param records each record moved, refused or failed, in the order handled (at most {@value #MAX_LISTED})
 * @param stoppedBecause why the redrive stopped before the end of the dead-letter topic, or {@code null}
 * @param durationMillis how long it took
 */
public record RedriveResult(String group, String source, String target, boolean dryRun, int moved, int refused,
		long skipped, long alreadyRedriven, List<Entry> records, @Nullable String stoppedBecause,
		long durationMillis) {

	/** Most records listed in {@link #records()}. */
	public static final int MAX_LISTED = 500;

	/**
	 * One record moved or refused.
	 *
	 * @param partition its dead-letter partition
	 * @param offset its dead-letter offset
	 * @param messageId its message id, or {@code null}
	 * @param outcome {@code moved}, {@code would move}, {@code refused}, or {@code failed} (the broker did not
	 * acknowledge it; it stays unhandled)
	 * @param detail where it went, or why it was refused
	 */
	public record Entry(int partition, long offset, @Nullable String messageId, String outcome, String detail) {

	}

}
