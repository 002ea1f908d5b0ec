package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Forwards are pipelined only where the failure router finds the commit gate on the consumer the container hands
 * it: every other wrapper of a reliable consumer must sit inside the gate, or each failed record waits for its
 * forward again. Checked on a real application, whose consumers get every wrapper the library adds.
 */
class GatedListenerConsumerTests {

	@Test
	void theContainersConsumerIsTheCommitGate() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("gated"), 1);
			kafka.send(topic, 0, "A", "A");
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + KafkaTestClient.unique("gated-group"))) {
				List<Consumer<?, ?>> consumers = app.getBean(Listener.class).consumers;
				await().atMost(Duration.ofSeconds(30)).until(() -> !consumers.isEmpty());
				assertThat(ForwardGate.of(consumers.get(0))).as("commit gate of the listener's consumer").isNotNull();
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		final List<Consumer<?, ?>> consumers = new CopyOnWriteArrayList<>();

		@ReliableListener(id = "gated", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC)
		void onRecord(ConsumerRecord<String, String> record, Consumer<?, ?> consumer) {
			this.consumers.add(consumer);
		}

	}

}
