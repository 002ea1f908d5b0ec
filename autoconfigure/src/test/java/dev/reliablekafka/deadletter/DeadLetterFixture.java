package dev.reliablekafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

/**
 * A group whose dead-letter topic the test fills with records written as the failure router writes them, with
 * chosen timestamps, and whose listener is not started, so that nothing but the code under test reads its retry
 * topic or dead-letter topic.
 */
final class DeadLetterFixture implements AutoCloseable {

	final KafkaTestClient kafka;

	final String source;

	final String group;

	final ConfigurableApplicationContext app;

	private final KafkaProducer<byte[], byte[]> producer;

	DeadLetterFixture(KafkaTestClient kafka, int partitions, String... properties) {
		this.kafka = kafka;
		this.source = kafka.createTopic(KafkaTestClient.unique("orders"), partitions);
		this.group = KafkaTestClient.unique("order-service");
		String[] all = new String[properties.length + 3];
		all[0] = "test.topic=" + this.source;
		all[1] = "test.group=" + this.group;
		all[2] = "reliable.kafka.topics.partitions=" + partitions;
		System.arraycopy(properties, 0, all, 3, properties.length);
		this.app = ReliableTestApp.run(kafka, IdleListener.class, all);
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
				ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
	}

	DeadLetters deadLetters() {
		return this.app.getBean(DeadLetters.class);
	}

	String deadLetterTopic() {
		return "dlq." + this.group;
	}

	String retryTopic() {
		return "retry." + this.group;
	}

	/**
	 * Write a dead-letter record as the failure router would.
	 */
	RecordMetadata deadLetter(int partition, long timestamp, String key, String value, String messageId,
			String exceptionClass, String... extraHeaders) {
		return write(partition, timestamp, utf8(key), utf8(value), headers(messageId, exceptionClass, extraHeaders));
	}

	RecordMetadata write(int partition, @Nullable Long timestamp, byte @Nullable [] key, byte @Nullable [] value,
			RecordHeaders headers) {
		try {
			return this.producer
				.send(new ProducerRecord<>(deadLetterTopic(), partition, timestamp, key, value, headers))
				.get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	RecordHeaders headers(String messageId, String exceptionClass, String... extraHeaders) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(ReliableHeaders.MESSAGE_ID, utf8(messageId));
		headers.add(ReliableHeaders.RECONSUME_COUNT, utf8("3"));
		headers.add(ReliableHeaders.ORIGINAL_TOPIC, utf8(this.source));
		headers.add(ReliableHeaders.GROUP, utf8(this.group));
		headers.add(ReliableHeaders.EXCEPTION_CLASS, utf8(exceptionClass));
		headers.add(ReliableHeaders.EXCEPTION_MESSAGE, utf8("it failed"));
		for (int i = 0; i < extraHeaders.length; i += 2) {
			headers.add(extraHeaders[i], utf8(extraHeaders[i + 1]));
		}
		return headers;
	}

	/** Every record of the group's retry topic, waiting until there are at least {@code expected}. */
	List<ConsumerRecord<byte[], byte[]>> retried(int expected) {
		return this.kafka.readAll(retryTopic(), expected);
	}

	long retryEnd() {
		long end = 0;
		for (int partition = 0; partition < partitions(); partition++) {
			end += this.kafka.endOffset(new TopicPartition(retryTopic(), partition));
		}
		return end;
	}

	long redriveCommitted(int partition) {
		return this.kafka.committed(this.group + ".redrive", new TopicPartition(deadLetterTopic(), partition));
	}

	private int partitions() {
		return Integer.parseInt(this.app.getEnvironment().getProperty("reliable.kafka.topics.partitions"));
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static Duration timeout() {
		return Duration.ofSeconds(30);
	}

	@Override
	public void close() {
		this.producer.close(Duration.ofSeconds(5));
		this.app.close();
	}

	@Configuration(proxyBeanMethods = false)
	static class IdleListener {

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, autoStartup = "false")
		void onOrder(ConsumerRecord<byte[], byte[]> record) {
			throw new IllegalStateException("never started");
		}

	}

}
