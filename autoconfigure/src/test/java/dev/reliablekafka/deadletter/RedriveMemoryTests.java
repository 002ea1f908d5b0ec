package dev.reliablekafka.deadletter;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a redrive group's committed offset remembers: the position advances over handled offsets only while they
 * are contiguous, handled offsets above it are kept as ranges in the metadata, and reading the commit back gives
 * the same memory.
 */
class RedriveMemoryTests {

	@Test
	void remembersHandledOffsetsAboveThePositionAsRanges() {
		RedriveMemory memory = RedriveMemory.of(null, 10);
		assertThat(memory.position()).isEqualTo(10);
		memory.mark(12);
		memory.mark(13);
		memory.markRange(15, 17);
		memory.mark(20);
		assertThat(memory.toCommit()).isEqualTo(new OffsetAndMetadata(10, "rr1;12-13,15-17,20"));
		assertThat(memory.handled(9)).isTrue();
		assertThat(memory.handled(10)).isFalse();
		assertThat(memory.handled(16)).isTrue();
		assertThat(memory.handled(18)).isFalse();

		memory.mark(10);
		memory.mark(11);
		memory.mark(14);
		assertThat(memory.toCommit()).isEqualTo(new OffsetAndMetadata(18, "rr1;20"));

		RedriveMemory read = RedriveMemory.of(memory.toCommit(), 0);
		assertThat(read.toCommit()).isEqualTo(memory.toCommit());
		read.markRange(18, 19);
		assertThat(read.toCommit()).isEqualTo(new OffsetAndMetadata(21, "rr1;"));
	}

	@Test
	void offsetsDeletedByRetentionCountAsHandled() {
		RedriveMemory memory = RedriveMemory.of(new OffsetAndMetadata(5, "rr1;7-9,30"), 20);
		assertThat(memory.toCommit()).isEqualTo(new OffsetAndMetadata(20, "rr1;30"));
	}

	@Test
	void unreadableMetadataRemembersOnlyThePosition() {
		assertThat(RedriveMemory.of(new OffsetAndMetadata(5, "rr1;7-x"), 0).toCommit())
			.isEqualTo(new OffsetAndMetadata(5, "rr1;"));
		assertThat(RedriveMemory.of(new OffsetAndMetadata(5, "something else"), 0).toCommit())
			.isEqualTo(new OffsetAndMetadata(5, "rr1;"));
	}

	@Test
	void isFullBeforeItsMetadataOutgrowsWhatKafkaTakesWithABatchOfSendsUnanswered() {
		RedriveMemory memory = RedriveMemory.of(null, 0);
		List<Long> unanswered = new ArrayList<>();
		long offset = 1_000_000_000_000L;
		while (!memory.full(unanswered.size())) {
			unanswered.add(offset);
			offset += 2;
			if (unanswered.size() == RedriveRun.BATCH) {
				unanswered.forEach(memory::mark);
				unanswered.clear();
			}
		}
		unanswered.forEach(memory::mark);
		assertThat(memory.toCommit().metadata().length()).isLessThanOrEqualTo(RedriveMemory.MAX_METADATA);
	}

}
