package dev.reliablekafka.internal.blocking;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;

/**
 * Where BLOCKING keeps the failed attempts of a record: in its group's committed offset metadata, with an offset
 * that covers only processed records in every ack mode, read back by a tracker that does not know the record.
 */
class DurableAttemptCountTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 100, null, null);

	@SuppressWarnings("unchecked")
	private final Consumer<byte[], byte[]> consumer = mock(Consumer.class);

	private final ContainerProperties properties = new ContainerProperties("orders");

	@Test
	void automaticAckModesCommitTheFailedRecordsOwnOffset() {
		for (AckMode ackMode : new AckMode[] { AckMode.RECORD, AckMode.BATCH, AckMode.COUNT, AckMode.TIME }) {
			this.properties.setAckMode(ackMode);
			InPlaceRetries retries = new InPlaceRetries(new FixedBackOff(10), true);
			InPlaceRetries.Failure failure = retries.failed(this.record, this.consumer);
			retries.failed(this.record, this.consumer);
			retries.keep(this.record, failure, this.consumer, this.properties);

			verify(this.consumer).commitSync(Map.of(PARTITION,
					new OffsetAndMetadata(100, "rk1;o=100;a=2;f=" + failure.firstFailureTime())));
			reset(this.consumer);
		}
	}

	@Test
	void manualAckModesRecommitTheCommittedOffset() {
		this.properties.setAckMode(AckMode.MANUAL);
		given(this.consumer.committed(Set.of(PARTITION))).willReturn(Map.of(PARTITION, new OffsetAndMetadata(97)));
		InPlaceRetries retries = new InPlaceRetries(new FixedBackOff(10), true);
		InPlaceRetries.Failure failure = retries.failed(this.record, this.consumer);
		retries.keep(this.record, failure, this.consumer, this.properties);

		verify(this.consumer).commitSync(Map.of(PARTITION,
				new OffsetAndMetadata(97, "rk1;o=100;a=1;f=" + failure.firstFailureTime())));
	}

	@Test
	void manualAckModesWithAsynchronousCommitsKeepNothing() {
		this.properties.setAckMode(AckMode.MANUAL_IMMEDIATE);
		this.properties.setSyncCommits(false);
		InPlaceRetries retries = new InPlaceRetries(new FixedBackOff(10), true);
		retries.keep(this.record, retries.failed(this.record, this.consumer), this.consumer, this.properties);

		verify(this.consumer, never()).commitSync(anyMap());
		verify(this.consumer, never()).commitSync(anyMap(), any());
	}

	@Test
	void unknownRecordGoesOnFromTheCommittedCountOfTheSameOffset() {
		given(this.consumer.committed(Set.of(PARTITION)))
			.willReturn(Map.of(PARTITION, new OffsetAndMetadata(100, "rk1;o=100;a=2;f=12345")));
		InPlaceRetries.Failure failure = new InPlaceRetries(new FixedBackOff(10), true).failed(this.record,
				this.consumer);

		assertThat(failure.failedAttempts()).isEqualTo(3);
		assertThat(failure.firstFailureTime()).isEqualTo(12345);
	}

	@Test
	void countOfAnotherOffsetOrForeignMetadataIsIgnored() {
		for (String metadata : new String[] { "rk1;o=99;a=2;f=12345", "app's own", "rk1;o=100;a=x;f=1", "" }) {
			given(this.consumer.committed(Set.of(PARTITION)))
				.willReturn(Map.of(PARTITION, new OffsetAndMetadata(100, metadata)));
			InPlaceRetries.Failure failure = new InPlaceRetries(new FixedBackOff(10), true).failed(this.record,
					this.consumer);

			assertThat(failure.failedAttempts()).as(metadata).isEqualTo(1);
			assertThat(failure.firstFailureTime()).as(metadata).isGreaterThan(12345);
		}
	}

	@Test
	void knownRecordAndInMemoryTrackersReadNothing() {
		InPlaceRetries durable = new InPlaceRetries(new FixedBackOff(10), true);
		durable.failed(this.record, this.consumer);
		durable.failed(this.record, this.consumer);
		new InPlaceRetries(new FixedBackOff(10), false).failed(this.record, this.consumer);

		verify(this.consumer).committed(Set.of(PARTITION));
	}

}
