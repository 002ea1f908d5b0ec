package dev.reliablekafka.deadletter;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.jspecify.annotations.Nullable;

/**
 * What the redrives of a group have already handled in one partition of its dead-letter topic, kept as the
 * committed offset of the redrive consumer group: every offset below {@link #position()} is handled, and so are
 * the offsets listed in the commit's metadata ({@value #FORMAT}{@code 12-15,18}). A record counts as handled
 * once it was moved (the broker acknowledged it in the target) or refused by the loop guard; a record a filter left
 * out is not, so that a later redrive with other filters still finds it, while one already moved is never moved
 * again. Offsets that hold no record a reader sees (transaction markers, aborted or compacted records) count as
 * handled, so that the position moves past them.
 */
final class RedriveMemory {

	static final String FORMAT = "rr1;";

	/**
	 * Longest metadata written; Kafka's {@code offset.metadata.max.bytes} is 4096 by default.
	 */
	static final int MAX_METADATA = 3000;

	private long position;

	// Handled offsets above the position: start -> end, both inclusive, ranges neither overlapping nor touching.
	private final NavigableMap<Long, Long> ranges = new TreeMap<>();

	private RedriveMemory(long position) {
		this.position = position;
	}

	/**
	 * Read the memory from a committed offset.
	 * @param committed the redrive group's committed offset, or {@code null} if none
	 * @param logStart the partition's first offset
	 * @return the memory; a metadata that cannot be read counts as no handled offsets above the position
	 */
	static RedriveMemory of(@Nullable OffsetAndMetadata committed, long logStart) {
		RedriveMemory memory = new RedriveMemory((committed != null) ? committed.offset() : logStart);
		String metadata = (committed != null) ? committed.metadata() : null;
		if (metadata != null && metadata.startsWith(FORMAT) && metadata.length() > FORMAT.length()) {
			try {
				for (String range : metadata.substring(FORMAT.length()).split(",")) {
					int dash = range.indexOf('-');
					long start = Long.parseLong((dash < 0) ? range : range.substring(0, dash));
					long end = (dash < 0) ? start : Long.parseLong(range.substring(dash + 1));
					memory.markRange(start, end);
				}
			}
			catch (NumberFormatException ex) {
				memory.ranges.clear();
			}
		}
		memory.markRange(0, logStart - 1);
		return memory;
	}

	long position() {
		return this.position;
	}

	boolean handled(long offset) {
		if (offset < this.position) {
			return true;
		}
		Map.Entry<Long, Long> range = this.ranges.floorEntry(offset);
		return range != null && range.getValue() >= offset;
	}

	void mark(long offset) {
		markRange(offset, offset);
	}

	/**
	 * Mark offsets as handled.
	 * @param start first offset
	 * @param end last offset, inclusive; nothing is marked when it is below {@code start}
	 */
	void markRange(long start, long end) {
		long from = Math.max(start, this.position);
		long to = end;
		if (to < from) {
			return;
		}
		Map.Entry<Long, Long> before = this.ranges.floorEntry(from);
		if (before != null && before.getValue() >= from - 1) {
			from = before.getKey();
			to = Math.max(to, before.getValue());
		}
		Map.Entry<Long, Long> next = this.ranges.higherEntry(from);
		while (next != null && next.getKey() <= to + 1) {
			to = Math.max(to, next.getValue());
			this.ranges.remove(next.getKey());
			next = this.ranges.higherEntry(from);
		}
		this.ranges.put(from, to);
		Map.Entry<Long, Long> first = this.ranges.firstEntry();
		if (first.getKey() == this.position) {
			this.position = first.getValue() + 1;
			this.ranges.remove(first.getKey());
		}
	}

	String metadata() {
		StringBuilder text = new StringBuilder(FORMAT);
		this.ranges.forEach((start, end) -> {
			if (text.length() > FORMAT.length()) {
				text.append(',');
			}
			text.append(start);
			if (end > start) {
				text.append('-').append(end);
			}
		});
		return text.toString();
	}

	/**
	 * Return whether marking one more offset apart from the others, besides those already sent and not marked
	 * yet, could make the metadata too long to commit.
	 * @param unmarked offsets sent but not marked yet, each of which may add a range
	 * @return true when the memory is nearly full
	 */
	boolean full(int unmarked) {
		// A range adds at most a comma and two 19-digit offsets joined by a dash.
		return metadata().length() + (unmarked + 1) * 40L > MAX_METADATA;
	}

	OffsetAndMetadata toCommit() {
		return new OffsetAndMetadata(this.position, metadata());
	}

}
