package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.MockedStatic;

import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.BlockingPolicy;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.times;

/**
 * The failure router takes a failed record over from the commit gate and hands it over through the same gate: it
 * looks the gate up once per failure, not once to take the record over and again to hand it over.
 */
class OneGateLookupPerFailureTests {

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	@AfterEach
	void stop() {
		this.partitionBackOff.destroy();
	}

	@Test
	@SuppressWarnings("unchecked")
	void aForwardedRecordLooksTheGateUpOnce() {
		Consumer<Object, Object> consumer = new CommitGate(Duration.ofSeconds(5)).apply(mock(Consumer.class));
		MessageListenerContainer container = mock(MessageListenerContainer.class);
		given(container.getContainerProperties()).willReturn(new ContainerProperties("orders"));
		MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
				new ByteArraySerializer());
		ProducerFactory<byte[], byte[]> producers = () -> producer;
		FailureRouter router = new FailureRouter(policy(), new RecordForwarder(producers, Duration.ofSeconds(5)),
				this.partitionBackOff, ReliableEvents.NONE);
		byte[] bytes = "A".getBytes(StandardCharsets.UTF_8);
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 5, bytes, bytes);

		try (MockedStatic<ForwardGate> gates = mockStatic(ForwardGate.class, Answers.CALLS_REAL_METHODS)) {
			assertThat(router.handleOne(new IllegalStateException("failed"), record, consumer, container)).isTrue();
			gates.verify(() -> ForwardGate.of(any()), times(1));
		}
		assertThat(producer.history()).hasSize(1);
	}

	private static ListenerPolicy policy() {
		BlockingPolicy blocking = new BlockingPolicy(Duration.ofSeconds(10), 1.0, Duration.ofSeconds(10),
				Duration.ZERO, BlockingPolicy.UNLIMITED);
		RetryTopicPolicy retryTopic = new RetryTopicPolicy("retry.order-service",
				List.of(new DelayLevel(Duration.ofSeconds(1), "app.delay.1s")), 1, 3);
		return new ListenerPolicy("orders", "order-service", List.of("orders"), ReliableMode.RETRY_TOPIC, blocking,
				"dlq.order-service", retryTopic, List.of(), "retry.order-service", Map.of());
	}

}
