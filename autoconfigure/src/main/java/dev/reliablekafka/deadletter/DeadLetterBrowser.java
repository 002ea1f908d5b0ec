package dev.reliablekafka.deadletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * Reads a dead-letter topic newest first: each partition backwards from its end, one window at a time, until it
 * has enough matching records, reaches the start of the time window, or has read its bound of records. It only
 * assigns and seeks: it joins no group and commits nothing.
 */
final class DeadLetterBrowser {

	/** Most records read by one query, over all partitions. */
	static final int MAX_SCANNED = 20_000;

	private static final int HEADER_LIMIT = 1024;

	private final Consumer<byte[], byte[]> consumer;

	private final int previewBytes;

	private long scanned;

	DeadLetterBrowser(Consumer<byte[], byte[]> consumer, int previewBytes) {
		this.consumer = consumer;
		this.previewBytes = previewBytes;
	}

	DeadLetterPage browse(String group, String topic, DeadLetterQuery query) {
		List<TopicPartition> partitions = Partitions.of(this.consumer, topic);
		if (partitions.isEmpty()) {
			return new DeadLetterPage(group, topic, List.of(), 0, true);
		}
		this.consumer.assign(partitions);
		Map<TopicPartition, Long> begin = this.consumer.beginningOffsets(partitions);
		Map<TopicPartition, Long> end = this.consumer.endOffsets(partitions);
		Map<TopicPartition, OffsetAndMetadata> committed = this.consumer.committed(Set.copyOf(partitions));
		Map<TopicPartition, Long> lower = bound(partitions, query.from(), begin, end);
		Map<TopicPartition, Long> upper = bound(partitions, (query.to() != null) ? query.to().plusMillis(1) : null,
				end, end);
		RecordFilter filter = new RecordFilter(query.from(), query.to(), query.exception(), List.of());
		List<DeadLetter> found = new ArrayList<>();
		boolean complete = true;
		for (TopicPartition partition : partitions) {
			RedriveMemory memory = RedriveMemory.of(committed.get(partition), begin.get(partition));
			complete &= newest(partition, lower.get(partition), upper.get(partition), query.limit(), filter, memory,
					found);
		}
		found.sort(Comparator.comparing(DeadLetter::timestamp)
			.thenComparing(DeadLetter::offset)
			.thenComparing(DeadLetter::partition)
			.reversed());
		return new DeadLetterPage(group, topic, List.copyOf(found.subList(0, Math.min(query.limit(), found.size()))),
				this.scanned, complete);
	}

	// Reads windows [low, high) backwards; true when it read down to the lower bound or found enough.
	private boolean newest(TopicPartition partition, long lower, long upper, int limit, RecordFilter filter,
			RedriveMemory memory, List<DeadLetter> found) {
		int window = Math.max(limit, 100);
		int matched = 0;
		long high = upper;
		while (high > lower && matched < limit) {
			if (this.scanned >= MAX_SCANNED) {
				return false;
			}
			long low = Math.max(lower, high - window);
			List<DeadLetter> inWindow = new ArrayList<>();
			for (ConsumerRecord<byte[], byte[]> record : Partitions.read(this.consumer, partition, low, high)) {
				this.scanned++;
				if (filter.matches(record)) {
					inWindow.add(deadLetter(record, memory.handled(record.offset())));
				}
			}
			found.addAll(inWindow);
			matched += inWindow.size();
			high = low;
		}
		return true;
	}

	private Map<TopicPartition, Long> bound(List<TopicPartition> partitions, @Nullable Instant time,
			Map<TopicPartition, Long> otherwise, Map<TopicPartition, Long> end) {
		if (time == null) {
			return otherwise;
		}
		Map<TopicPartition, Long> search = new HashMap<>();
		partitions.forEach(partition -> search.put(partition, time.toEpochMilli()));
		Map<TopicPartition, OffsetAndTimestamp> offsets = this.consumer.offsetsForTimes(search);
		Map<TopicPartition, Long> bound = new HashMap<>();
		for (TopicPartition partition : partitions) {
			OffsetAndTimestamp offset = offsets.get(partition);
			bound.put(partition, (offset != null) ? Math.min(offset.offset(), end.get(partition)) : end.get(partition));
		}
		return bound;
	}

	private DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, boolean redriven) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (Header header : record.headers()) {
			headers.put(header.key(), headerText(header.value()));
		}
		return new DeadLetter(record.topic(), record.partition(), record.offset(),
				Instant.ofEpochMilli(record.timestamp()),
				HeaderValues.text(record.headers(), ReliableHeaders.MESSAGE_ID),
				HeaderValues.text(record.headers(), ReliableHeaders.EXCEPTION_CLASS), RedriveCount.of(record),
				redriven, Preview.of(record.key(), this.previewBytes), Preview.of(record.value(), this.previewBytes),
				headers);
	}

	private static String headerText(byte @Nullable [] value) {
		Preview preview = Preview.of(value, HEADER_LIMIT);
		if (preview == null) {
			return "";
		}
		String text = Preview.BASE64.equals(preview.encoding()) ? "base64:" + preview.text() : preview.text();
		return preview.truncated() ? text + "...[cut]" : text;
	}

}
