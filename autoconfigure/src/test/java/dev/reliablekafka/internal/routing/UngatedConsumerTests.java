package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.policy.BlockingPolicy;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Records are handed over only through a commit gate, which alone holds a record's offset back until its
 * hand-off was acknowledged: a consumer without one is a programming error that fails loudly, naming the
 * consumer, instead of a second, synchronous way of handing records over.
 */
class UngatedConsumerTests {

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	@AfterEach
	void stop() {
		this.partitionBackOff.destroy();
	}

	@Test
	@SuppressWarnings("unchecked")
	void failedRecordOfAConsumerWithoutCommitGateIsNotHandedOver() {
		Consumer<byte[], byte[]> consumer = mock(Consumer.class, "ungated-consumer");
		MessageListenerContainer container = mock(MessageListenerContainer.class);
		given(container.getContainerProperties()).willReturn(new ContainerProperties("orders"));
		RecordForwarder forwarder = new RecordForwarder(
				new DefaultKafkaProducerFactory<>(Map.of("bootstrap.servers", "localhost:9")), Duration.ofSeconds(1));
		FailureRouter router = new FailureRouter(policy(), forwarder, this.partitionBackOff);
		byte[] bytes = "A".getBytes(StandardCharsets.UTF_8);
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 5, bytes, bytes);

		assertThatIllegalStateException()
			.isThrownBy(() -> router.handleOne(new IllegalStateException("failed"), record, consumer, container))
			.withMessageContaining("ungated-consumer has no commit gate");
		assertThatIllegalStateException()
			.isThrownBy(() -> router.handleRemaining(new IllegalStateException("failed"), List.of(record), consumer,
					container))
			.withMessageContaining("ungated-consumer has no commit gate");
		verify(consumer, never()).commitSync(anyMap());
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
