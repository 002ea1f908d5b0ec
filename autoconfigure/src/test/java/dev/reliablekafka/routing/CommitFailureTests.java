package dev.reliablekafka.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.TopicPartitionOffset;

import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.policy.BlockingPolicy;
import dev.reliablekafka.policy.DelayLevel;
import dev.reliablekafka.policy.ListenerPolicy;
import dev.reliablekafka.policy.RetryTopicPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Container contract: a record is processed, but committing its offset fails with a
 * {@link CommitFailedException} (the group rebalanced meanwhile). spring-kafka hands the commit failure to the
 * failure router as if the listener had failed: as it is when the container committed, wrapped when the
 * listener's own acknowledgement committed. The router must not count it as a failed attempt nor forward the
 * processed record: the record and the rest of the poll are delivered again, so that nothing is skipped.
 */
class CommitFailureTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	private final RecordForwarder forwarder = mock(RecordForwarder.class);

	private final List<String> delivered = new ArrayList<>();

	private final AtomicLong position = new AtomicLong();

	private KafkaMessageListenerContainer<byte[], byte[]> container;

	@AfterEach
	void stop() {
		if (this.container != null) {
			this.container.stop();
		}
		this.partitionBackOff.destroy();
	}

	@Test
	void failedCommitIsNeitherForwardedNorSkipped() {
		Consumer<byte[], byte[]> consumer = consumer();
		ContainerProperties properties = new ContainerProperties(new TopicPartitionOffset("orders", 0));
		properties.setAckMode(AckMode.RECORD);
		properties.setMessageListener((MessageListener<byte[], byte[]>) record -> delivered(record));
		start(consumer, properties);

		await().atMost(Duration.ofSeconds(10)).until(() -> delivered().contains("B"));
		this.container.stop();

		verify(this.forwarder, never()).forwardAndCommit(any(), any(), any(), any());
		verify(this.forwarder, never()).forward(any(), any(), any());
		// A was processed but its commit failed: it is delivered again (a duplicate, never a loss), then B.
		assertThat(delivered()).containsExactly("A", "A", "B");
		InOrder inOrder = inOrder(consumer);
		inOrder.verify(consumer).poll(any(Duration.class));
		inOrder.verify(consumer).commitSync(eq(Map.of(PARTITION, new OffsetAndMetadata(1))), any());
		inOrder.verify(consumer).seek(PARTITION, 0);
		inOrder.verify(consumer).poll(any(Duration.class));
		inOrder.verify(consumer).commitSync(eq(Map.of(PARTITION, new OffsetAndMetadata(2))), any());
	}

	@Test
	void failedAcknowledgementIsNeitherForwardedNorSkipped() {
		Consumer<byte[], byte[]> consumer = consumer();
		ContainerProperties properties = new ContainerProperties(new TopicPartitionOffset("orders", 0));
		properties.setAckMode(AckMode.MANUAL_IMMEDIATE);
		properties.setMessageListener((AcknowledgingMessageListener<byte[], byte[]>) (record, ack) -> {
			delivered(record);
			ack.acknowledge();
		});
		start(consumer, properties);

		await().atMost(Duration.ofSeconds(10)).until(() -> delivered().contains("B"));
		this.container.stop();

		verify(this.forwarder, never()).forwardAndCommit(any(), any(), any(), any());
		verify(this.forwarder, never()).forward(any(), any(), any());
		// The listener's acknowledgement of A failed: A is delivered again, then B.
		assertThat(delivered()).containsExactly("A", "A", "B");
		InOrder inOrder = inOrder(consumer);
		inOrder.verify(consumer).commitSync(eq(Map.of(PARTITION, new OffsetAndMetadata(1))), any());
		inOrder.verify(consumer).poll(any(Duration.class));
		inOrder.verify(consumer).commitSync(eq(Map.of(PARTITION, new OffsetAndMetadata(1))), any());
		inOrder.verify(consumer).commitSync(eq(Map.of(PARTITION, new OffsetAndMetadata(2))), any());
	}

	// A consumer of one partition holding A and B, whose first commit fails.
	@SuppressWarnings("unchecked")
	private Consumer<byte[], byte[]> consumer() {
		Consumer<byte[], byte[]> consumer = mock(Consumer.class);
		List<ConsumerRecord<byte[], byte[]>> log = List.of(record(0, "A"), record(1, "B"));
		willAnswer(invocation -> {
			long from = this.position.get();
			List<ConsumerRecord<byte[], byte[]>> fetched = log.stream().filter(r -> r.offset() >= from).toList();
			if (fetched.isEmpty()) {
				Thread.sleep(20);
				return ConsumerRecords.empty();
			}
			this.position.set(log.size());
			return new ConsumerRecords<>(Map.of(PARTITION, fetched), Map.of());
		}).given(consumer).poll(any(Duration.class));
		willAnswer(invocation -> {
			this.position.set(invocation.getArgument(1));
			return null;
		}).given(consumer).seek(eq(PARTITION), anyLong());
		AtomicBoolean commitFailed = new AtomicBoolean();
		willAnswer(invocation -> {
			if (commitFailed.compareAndSet(false, true)) {
				throw new CommitFailedException("rebalanced meanwhile");
			}
			return null;
		}).given(consumer).commitSync(any(Map.class), any());
		return consumer;
	}

	@SuppressWarnings("unchecked")
	private void start(Consumer<byte[], byte[]> consumer, ContainerProperties properties) {
		ConsumerFactory<byte[], byte[]> consumerFactory = mock(ConsumerFactory.class);
		given(consumerFactory.createConsumer(any(), any(), any(), any())).willReturn(consumer);
		properties.setGroupId("order-service");
		this.container = new KafkaMessageListenerContainer<>(consumerFactory, properties);
		this.container.setCommonErrorHandler(new FailureRouter(retryTopicPolicy(), this.forwarder,
				this.partitionBackOff));
		this.container.start();
	}

	private void delivered(ConsumerRecord<byte[], byte[]> record) {
		synchronized (this.delivered) {
			this.delivered.add(new String(record.value(), StandardCharsets.UTF_8));
		}
	}

	private List<String> delivered() {
		synchronized (this.delivered) {
			return new ArrayList<>(this.delivered);
		}
	}

	private static ConsumerRecord<byte[], byte[]> record(long offset, String value) {
		return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, 0L, TimestampType.CREATE_TIME,
				0, 0, value.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
				new RecordHeaders(), Optional.empty());
	}

	private static ListenerPolicy retryTopicPolicy() {
		BlockingPolicy blocking = new BlockingPolicy(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), Duration.ZERO,
				BlockingPolicy.UNLIMITED);
		RetryTopicPolicy retryTopic = new RetryTopicPolicy("retry.order-service",
				List.of(new DelayLevel(Duration.ofSeconds(1), "app.delay.1s")), 1, 3);
		return new ListenerPolicy("orders", "order-service", List.of("orders"), ReliableMode.RETRY_TOPIC, blocking,
				"dlq.order-service", retryTopic, List.of());
	}

}
