package dev.reliablekafka.internal.blocking;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;

import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static dev.reliablekafka.test.DeadLetterAssertions.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener throws an exception that cannot describe itself: its {@code getMessage()} throws. The record is
 * still retried and dead-lettered, with a stand-in text in its exception headers, and the records behind it in
 * the same poll are processed, none skipped.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Broker.class)
class UnreadableExceptionTests {

	@Parameter
	Broker broker;

	@Test
	void recordIsDeadLetteredAndTheRecordsBehindItAreProcessed() {
		try (KafkaTestClient kafka = new KafkaTestClient(this.broker)) {
			String topic = kafka.createTopic(KafkaTestClient.unique("unreadable"), 1);
			String group = KafkaTestClient.unique("unreadable-group");
			kafka.send(topic, 0, "A", "unreadable");
			kafka.send(topic, 0, "B", "B");
			kafka.send(topic, 0, "C", "C");

			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, Listener.class, "test.topic=" + topic,
					"test.group=" + group)) {
				ProcessingLog log = app.getBean(ProcessingLog.class);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> kafka.committed(group, new TopicPartition(topic, 0)) == 3);

				assertThat(log.deliveries("unreadable", 0, 0)).isEqualTo(2);
				assertThat(log.succeeded("unreadable")).extracting(ProcessingLog.Entry::value).containsExactly("B", "C");
				List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll("dlq." + group, 1);
				assertThat(dead).hasSize(1);
				assertThat(dead.get(0).value()).isEqualTo(utf8("unreadable"));
				assertThat(header(dead.get(0), ReliableHeaders.EXCEPTION_CLASS))
					.isEqualTo(UnreadableException.class.getName());
				assertThat(header(dead.get(0), ReliableHeaders.EXCEPTION_MESSAGE)).contains("unavailable");
				assertThat(header(dead.get(0), ReliableHeaders.EXCEPTION_STACKTRACE))
					.startsWith(UnreadableException.class.getName());
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		private final ProcessingLog log;

		Listener(ProcessingLog log) {
			this.log = log;
		}

		@ReliableListener(id = "unreadable", topics = "${test.topic}", groupId = "${test.group}", maxAttempts = "2",
				backOff = @BackOff(delay = 50))
		void onRecord(ConsumerRecord<String, String> record) {
			boolean fail = record.value().equals("unreadable");
			this.log.add("unreadable", record, !fail);
			if (fail) {
				throw new UnreadableException();
			}
		}

	}

	/**
	 * An exception whose message cannot be read, as with a faulty third-party exception type.
	 */
	static class UnreadableException extends RuntimeException {

		@Override
		public String getMessage() {
			throw new IllegalStateException("message not available");
		}

	}

}
