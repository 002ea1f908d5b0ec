package dev.reliablekafka.internal.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.RecordInterceptor;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's own {@link RecordInterceptor} bean, which Spring Boot applies to listener containers, runs on
 * reliable containers too, after Reliable Kafka's: it intercepts each delivery deserialized, and hears of each
 * success and failure (on the record as consumed, as spring-kafka hands it over), while the failed record is still
 * retried in place and committed only once processed.
 */
class ApplicationRecordInterceptorTests {

	@Test
	void theApplicationInterceptorHearsEveryDeliveryAndOutcome() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("intercepted"), 1);
			String group = KafkaTestClient.unique("intercepted-group");
			kafka.send(topic, 0, "k", "a");
			kafka.send(topic, 0, "k", "bad");
			kafka.send(topic, 0, "k", "c");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group, "reliable.kafka.listeners.intercepted.blocking.initial-interval=10ms",
					"reliable.kafka.listeners.intercepted.blocking.multiplier=1")) {
				await().atMost(Duration.ofSeconds(60))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 3);
				Interceptor interceptor = app.getBean(Interceptor.class);

				assertThat(interceptor.calls).containsExactly("intercept a", "success 0", "intercept bad", "failure 1",
						"intercept bad", "success 1", "intercept c", "success 2");
			}
		}
	}

	/**
	 * Records what it hears; keys and values are deserialized where it intercepts them.
	 */
	static class Interceptor implements RecordInterceptor<Object, Object> {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			this.calls.add("intercept " + (String) record.value());
			return record;
		}

		@Override
		public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
			this.calls.add("success " + record.offset());
		}

		@Override
		public void failure(ConsumerRecord<Object, Object> record, Exception exception,
				Consumer<Object, Object> consumer) {
			this.calls.add("failure " + record.offset());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@Bean
		Interceptor applicationInterceptor() {
			return new Interceptor();
		}

		@ReliableListener(id = "intercepted", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.BLOCKING)
		void onRecord(ConsumerRecord<String, String> record) {
			boolean fails = record.value().equals("bad")
					&& this.log.deliveries("intercepted", record.partition(), record.offset()) == 0;
			this.log.add("intercepted", record, !fails);
			if (fails) {
				throw new IllegalStateException("failed: " + record.value());
			}
		}

	}

}
