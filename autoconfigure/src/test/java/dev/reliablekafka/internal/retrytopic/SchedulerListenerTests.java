package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.routing.RecordForwarder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the scheduler's listener commits and where it rewinds when a hand-off fails, a case a broker cannot be made
 * to produce on cue: nothing at or after a record that was not handed over is committed, and its partition comes
 * back to that record, not to a later one that is merely not due yet; delivered again, it waits before it is tried
 * again. A record without a due time is parked, not skipped. The consumer is behind a commit gate, as the
 * scheduler's consumers are.
 */
class SchedulerListenerTests {

	private static final TopicPartition TIER = new TopicPartition("app.delay.1h", 0);

	private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

	private final Consumer<byte[], byte[]> gated = SchedulerContainer.gated(this.consumer, Duration.ofSeconds(1));

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	private final PausingContainer container = new PausingContainer();

	private final List<Long> attempted = new ArrayList<>();

	@AfterEach
	void stopBackOff() {
		this.partitionBackOff.destroy();
	}

	@Test
	void failedHandOffIsRetriedBeforeTheRecordsThatAreNotDue() {
		long now = System.currentTimeMillis();
		this.consumer.assign(List.of(TIER));
		this.consumer.seek(TIER, 10);
		SchedulerListener listener = listener(true);
		// 10 is due but its hand-off fails, 11 carries no due time, 12 is due in an hour.
		List<ConsumerRecord<byte[], byte[]>> log = List.of(tierRecord(10, now - 1), tierRecord(11, null),
				tierRecord(12, now + 3_600_000));

		listener.onMessage(poll(log), this.gated);

		assertThat(this.attempted).containsExactly(10L, 11L);
		assertThat(this.consumer.position(TIER)).isEqualTo(10);
		assertThat(committed().orElse(0L)).as("committed offset").isLessThanOrEqualTo(10);
		assertThat(this.container.paused).as("paused until 12 is due").isEmpty();

		// Delivered again, 10 waits before it is tried again.
		listener.onMessage(poll(log), this.gated);

		assertThat(this.attempted).containsExactly(10L, 11L);
		assertThat(this.consumer.position(TIER)).isEqualTo(10);
		assertThat(this.container.paused).containsExactly(TIER);

		listener.onMessage(poll(log), this.gated);

		assertThat(this.attempted).containsExactly(10L, 11L, 10L, 11L);
		assertThat(this.consumer.position(TIER)).isEqualTo(10);
		assertThat(committed().orElse(0L)).as("committed offset").isLessThanOrEqualTo(10);
	}

	@Test
	void dueRecordsAreHandedOverAndCommittedAndTheRestWaitsInKafka() {
		long now = System.currentTimeMillis();
		this.consumer.assign(List.of(TIER));
		this.consumer.seek(TIER, 10);
		SchedulerListener listener = listener(false);

		listener.onMessage(poll(List.of(tierRecord(10, now - 1), tierRecord(11, null), tierRecord(12, now + 3_600_000))),
				this.gated);

		// 11 goes to the parking topic: it is never skipped
		assertThat(this.attempted).containsExactly(10L, 11L);
		assertThat(committed()).contains(12L);
		assertThat(this.consumer.position(TIER)).isEqualTo(12);
		assertThat(this.container.paused).containsExactly(TIER);
	}

	private List<ConsumerRecord<byte[], byte[]>> poll(List<ConsumerRecord<byte[], byte[]>> log) {
		log.forEach(this.consumer::addRecord);
		List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>();
		this.gated.poll(Duration.ZERO).forEach(polled::add);
		return polled;
	}

	private Optional<Long> committed() {
		OffsetAndMetadata offset = this.consumer.committed(Set.of(TIER)).get(TIER);
		return Optional.ofNullable(offset).map(OffsetAndMetadata::offset);
	}

	private SchedulerListener listener(boolean failing) {
		RecordForwarder forwarder = new RecordForwarder(
				new DefaultKafkaProducerFactory<>(Map.of("bootstrap.servers", "localhost:9")), Duration.ofSeconds(1)) {

			@Override
			public CompletableFuture<?> send(ConsumerRecord<?, ?> record, String topic, Headers headers) {
				SchedulerListenerTests.this.attempted.add(record.offset());
				return failing ? CompletableFuture.failedFuture(new TimeoutException("Broker down"))
						: CompletableFuture.completedFuture(null);
			}

		};
		SchedulerListener listener = new SchedulerListener(forwarder,
				SchedulerContainer.routes(Duration.ZERO), this.partitionBackOff);
		listener.setContainer(this.container);
		return listener;
	}

	private static ConsumerRecord<byte[], byte[]> tierRecord(long offset, Long dueTime) {
		RecordHeaders headers = new RecordHeaders();
		if (dueTime != null) {
			headers.add(ReliableHeaders.DUE_TIME, Long.toString(dueTime).getBytes(StandardCharsets.UTF_8));
			headers.add(ReliableHeaders.GROUP, "orders".getBytes(StandardCharsets.UTF_8));
		}
		return new ConsumerRecord<>(TIER.topic(), TIER.partition(), offset, 0L, TimestampType.CREATE_TIME, 0, 0,
				new byte[0], new byte[0], headers, Optional.empty());
	}

	/** Records which partitions the listener paused. */
	static final class PausingContainer implements MessageListenerContainer {

		final List<TopicPartition> paused = new ArrayList<>();

		@Override
		public void pausePartition(TopicPartition topicPartition) {
			this.paused.add(topicPartition);
		}

		@Override
		public void resumePartition(TopicPartition topicPartition) {
		}

		@Override
		public boolean isPartitionPauseRequested(TopicPartition topicPartition) {
			return this.paused.contains(topicPartition);
		}

		@Override
		public void setupMessageListener(Object messageListener) {
		}

		@Override
		public Map<String, Map<MetricName, ? extends org.apache.kafka.common.Metric>> metrics() {
			return Map.of();
		}

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return true;
		}

	}

}
