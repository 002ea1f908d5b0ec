package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.routing.RecordForwarder;
import dev.reliablekafka.internal.topics.TopicNaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * The scheduler's consumer is refused once by the broker's authorizer (an ACL is being fixed, say): its container
 * must keep polling after the retry interval, not stop for good with nobody told, since delay tier records would
 * then never be handed over. A real container driven by a mocked consumer.
 */
class SchedulerAuthorizationFailureTests {

	private final PartitionBackOff partitionBackOff = new PartitionBackOff();

	private DelayTierScheduler scheduler;

	@AfterEach
	void stop() {
		if (this.scheduler != null) {
			this.scheduler.stop();
		}
		this.partitionBackOff.destroy();
	}

	@Test
	@SuppressWarnings("unchecked")
	void schedulerKeepsConsumingAfterAnAuthorizationFailure() {
		Consumer<byte[], byte[]> consumer = mock(Consumer.class);
		AtomicInteger polls = new AtomicInteger();
		willAnswer(invocation -> {
			if (polls.incrementAndGet() == 1) {
				throw new GroupAuthorizationException("Not authorized to access group: app.delay-scheduler");
			}
			Thread.sleep(10);
			return ConsumerRecords.empty();
		}).given(consumer).poll(any(Duration.class));
		ConsumerFactory<byte[], byte[]> consumerFactory = mock(ConsumerFactory.class);
		given(consumerFactory.createConsumer(any(), any(), any(), any())).willReturn(consumer);
		RecordForwarder forwarder = new RecordForwarder(
				new DefaultKafkaProducerFactory<>(Map.of("bootstrap.servers", "localhost:9")), Duration.ofSeconds(1));
		this.scheduler = new DelayTierScheduler(() -> DelayTiers.of("<namespace>.delay.<level>", "app"),
				() -> List.of("app.delay.1s"), Map.of(), () -> "app.delay-scheduler",
				forwarder, new TopicNaming("dlq.<group>", "retry.<group>", "<namespace>.delay.<level>", "app"),
				this.partitionBackOff);
		this.scheduler.setConsumerFactory(consumerFactory);
		this.scheduler.setAuthExceptionRetryInterval(Duration.ofMillis(100));

		this.scheduler.start();

		await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() >= 3);
		assertThat(this.scheduler.isConsuming()).isTrue();
	}

}
