package dev.reliablekafka.internal.container;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fetch wait of the Kafka client the project is built with can be reached and changed: if an upgrade of the
 * client moved it, back-offs would silently end up to {@code fetch.max.wait.ms} late again.
 */
class FetchWaitTests {

	@Test
	void fetchWaitOfTheClassicConsumerCanBeShortenedAndRestored() {
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
						700),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			FetchWait wait = FetchWait.of(consumer);
			assertThat(wait.adjustable()).isTrue();
			assertThat(wait.configured()).isEqualTo(700);

			wait.set(10);
			assertThat(FetchWait.of(consumer).configured()).as("the wait the consumer now sends").isEqualTo(10);

			wait.set(5000);
			assertThat(FetchWait.of(consumer).configured()).as("never above the configured wait").isEqualTo(700);
		}
	}

}
