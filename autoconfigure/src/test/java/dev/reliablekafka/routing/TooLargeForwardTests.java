package dev.reliablekafka.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaProducerException;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.policy.BlockingPolicy;
import dev.reliablekafka.policy.DelayLevel;
import dev.reliablekafka.policy.ListenerPolicy;
import dev.reliablekafka.policy.RetryTopicPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * A record that is too large to forward even without the failure's stack trace can never be handed over: it is
 * not skipped, but put back and retried in place, and each retry tries both forms again.
 */
class TooLargeForwardTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	private final RecordForwarder forwarder = mock(RecordForwarder.class);

	@AfterEach
	void stop() {
		this.partitionBackOff.destroy();
	}

	@Test
	@SuppressWarnings("unchecked")
	void recordTooLargeEvenWithoutItsStackTraceStaysInPlace() {
		ForwardingFailedException tooLarge = new ForwardingFailedException("refused",
				new KafkaProducerException(null, "send failed", new RecordTooLargeException("too large")));
		willThrow(tooLarge).given(this.forwarder).forwardAndCommit(any(), any(), any(), any());
		Consumer<byte[], byte[]> consumer = mock(Consumer.class);
		MessageListenerContainer container = mock(MessageListenerContainer.class);
		given(container.getContainerProperties()).willReturn(new ContainerProperties("orders"));
		FailureRouter router = new FailureRouter(policy(), this.forwarder, this.partitionBackOff);
		List<ConsumerRecord<?, ?>> records = List.of(record(5), record(6));

		assertThatExceptionOfType(KafkaException.class).isThrownBy(() -> router
			.handleRemaining(new IllegalStateException("failed"), records, consumer, container));

		ArgumentCaptor<Headers> headers = ArgumentCaptor.forClass(Headers.class);
		verify(this.forwarder, times(2)).forwardAndCommit(eq(records.get(0)), eq("app.delay.1s"), headers.capture(),
				any());
		assertThat(headers.getAllValues().get(0).lastHeader(ReliableHeaders.EXCEPTION_STACKTRACE)).isNotNull();
		assertThat(headers.getAllValues().get(1).lastHeader(ReliableHeaders.EXCEPTION_STACKTRACE)).isNull();
		verify(consumer).seek(PARTITION, 5);
		verify(consumer, never()).seek(eq(PARTITION), eq(6L));
		verify(consumer, never()).commitSync(any(Map.class), any(Duration.class));
		verify(container).pausePartition(PARTITION);
		assertThat(router.seeksAfterHandling()).isTrue();
	}

	private static ConsumerRecord<byte[], byte[]> record(long offset) {
		byte[] bytes = ("record " + offset).getBytes(StandardCharsets.UTF_8);
		return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, bytes, bytes);
	}

	private static ListenerPolicy policy() {
		BlockingPolicy blocking = new BlockingPolicy(Duration.ofSeconds(10), 1.0, Duration.ofSeconds(10),
				Duration.ZERO, BlockingPolicy.UNLIMITED);
		RetryTopicPolicy retryTopic = new RetryTopicPolicy("retry.order-service",
				List.of(new DelayLevel(Duration.ofSeconds(1), "app.delay.1s")), 1, 3);
		return new ListenerPolicy("orders", "order-service", List.of("orders"), ReliableMode.RETRY_TOPIC, blocking,
				"dlq.order-service", retryTopic, List.of());
	}

}
