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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.retrytopic.SchedulerListenerTests.PausingContainer;
import dev.reliablekafka.internal.routing.RecordForwarder;
import dev.reliablekafka.internal.support.HeaderValues;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A due tier record is too large for its group's retry topic, which the broker refuses on every attempt: the
 * failure is recognised as final, the partition is not paused, and the record goes to the group's dead-letter
 * topic with the reason when it is delivered again, so that the record behind it is handed over and both are
 * committed. A broker cannot be made to refuse one record on cue, so the forwarder is a stand-in.
 */
class TooLargeTierRecordTests {

	private static final TopicPartition TIER = new TopicPartition("app.delay.1s", 0);

	private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

	private final Consumer<byte[], byte[]> gated = SchedulerContainer.gated(this.consumer, Duration.ofSeconds(1));

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	private final PausingContainer container = new PausingContainer();

	private final List<RecordForwarder.Forward> sent = new ArrayList<>();

	@AfterEach
	void stopBackOff() {
		this.partitionBackOff.destroy();
	}

	@Test
	void recordTooLargeForTheRetryTopicIsDeadLetteredAndTheNextOneHandedOver() {
		long now = System.currentTimeMillis();
		this.consumer.assign(List.of(TIER));
		this.consumer.seek(TIER, 10);
		SchedulerListener listener = listener();
		List<ConsumerRecord<byte[], byte[]>> log = List.of(tierRecord(10, now - 1), tierRecord(11, now - 1));

		listener.onMessage(poll(log), this.gated);

		assertThat(this.container.paused).as("paused partitions").isEmpty();
		assertThat(this.consumer.position(TIER)).isEqualTo(10);
		this.sent.clear();

		listener.onMessage(poll(log), this.gated);

		assertThat(this.sent).extracting(RecordForwarder.Forward::topic).containsExactly("dlq.orders", "retry.orders");
		assertThat(HeaderValues.text(this.sent.get(0).headers(), ReliableHeaders.PARKED_REASON))
			.contains("too large for retry.orders");
		assertThat(this.consumer.committed(Set.of(TIER)).get(TIER).offset()).isEqualTo(12);
		assertThat(this.container.paused).isEmpty();
	}

	private List<ConsumerRecord<byte[], byte[]>> poll(List<ConsumerRecord<byte[], byte[]>> log) {
		log.forEach(this.consumer::addRecord);
		List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>();
		this.gated.poll(Duration.ZERO).forEach(polled::add);
		return polled;
	}

	private SchedulerListener listener() {
		RecordForwarder forwarder = new RecordForwarder(
				new DefaultKafkaProducerFactory<>(Map.of("bootstrap.servers", "localhost:9")), Duration.ofSeconds(1)) {

			@Override
			public CompletableFuture<?> send(ConsumerRecord<?, ?> record, String topic, Headers headers) {
				Forward forward = new Forward(record, topic, headers);
				TooLargeTierRecordTests.this.sent.add(forward);
				return refused(forward) ? CompletableFuture.failedFuture(new RecordTooLargeException(
						"The request included a message larger than the max message size the server will accept."))
						: CompletableFuture.completedFuture(null);
			}

		};
		SchedulerListener listener = new SchedulerListener(forwarder,
				SchedulerContainer.routes(Duration.ZERO), this.partitionBackOff);
		listener.setContainer(this.container);
		return listener;
	}

	private static boolean refused(RecordForwarder.Forward forward) {
		return forward.record().offset() == 10 && forward.topic().startsWith("retry.");
	}

	private static ConsumerRecord<byte[], byte[]> tierRecord(long offset, long dueTime) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(ReliableHeaders.DUE_TIME, Long.toString(dueTime).getBytes(StandardCharsets.UTF_8));
		headers.add(ReliableHeaders.GROUP, "orders".getBytes(StandardCharsets.UTF_8));
		return new ConsumerRecord<>(TIER.topic(), TIER.partition(), offset, 0L, TimestampType.CREATE_TIME, 0, 0,
				new byte[0], new byte[0], headers, Optional.empty());
	}

}
