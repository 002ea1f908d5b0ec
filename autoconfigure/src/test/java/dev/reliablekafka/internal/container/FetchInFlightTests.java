package dev.reliablekafka.internal.container;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A short back-off does not wait for the consumer's fetch in flight. The broker holds a fetch that finds no new
 * data for {@code fetch.max.wait.ms}, here 10 s, and the consumer sends no other fetch to that broker meanwhile:
 * a resumed partition whose fetch queued behind it would be retried after about 10 s instead of 50 ms.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class FetchInFlightTests {

	@Parameter
	Broker broker;

	@Test
	void retriesDoNotWaitForTheFetchInFlight() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("fetch-in-flight"), 1);
			String group = KafkaTestClient.unique("fetch-in-flight-group");
			kafka.send(topic, 0, "A", "A");
			kafka.send(topic, 0, "B", "B");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group, "spring.kafka.consumer.fetch-max-wait=10s",
					"reliable.kafka.listeners.prompt.blocking.initial-interval=50ms",
					"reliable.kafka.listeners.prompt.blocking.multiplier=1")) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				// Three back-offs in a row, each after the consumer sent its next fetch: without the fix the first
				// retry alone takes 10 s.
				await().atMost(Duration.ofSeconds(5)).until(() -> log.succeeded("prompt").size() == 2);

				assertThat(log.of("prompt")).extracting(ProcessingLog.Entry::succeeded)
					.containsExactly(false, false, true, false, true);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		// A fails twice, B once.
		@ReliableListener(id = "prompt", topics = "${test.topic}", groupId = "${test.group}")
		void onRecord(ConsumerRecord<String, String> record) {
			int earlier = this.log.deliveries("prompt", record.partition(), record.offset());
			boolean fails = earlier < ("A".equals(record.value()) ? 2 : 1);
			this.log.add("prompt", record, !fails);
			if (fails) {
				throw new SimulatedDeadlockException("locked");
			}
		}

	}

}
