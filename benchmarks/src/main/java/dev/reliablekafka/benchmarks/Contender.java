package dev.reliablekafka.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;
import org.springframework.kafka.annotation.EnableKafkaRetryTopic;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.RetryableTopic;
import org.springframework.scheduling.annotation.EnableScheduling;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;

/**
 * The consumers compared: what a user would write instead of, or with, Reliable Kafka. Each consumes one topic
 * from the beginning with one consumer thread and hands every record to the run's {@link Probe}.
 */
enum Contender {

	/**
	 * A KafkaConsumer poll loop with our consumers' settings, committing asynchronously once per poll: the limit
	 * for one consumer thread.
	 */
	RAW("raw KafkaConsumer", null),

	/** A plain @KafkaListener with Spring Boot's defaults. */
	PLAIN("@KafkaListener", PlainListener.class),

	/** spring-kafka's @RetryableTopic with its defaults. */
	RETRYABLE_TOPIC("@RetryableTopic (defaults)", RetryableTopicListener.class),

	/** @ReliableListener in BLOCKING mode. */
	RELIABLE_BLOCKING("@ReliableListener BLOCKING", BlockingListener.class),

	/** @ReliableListener in RETRY_TOPIC mode, at least once. */
	RELIABLE_RETRY_TOPIC("@ReliableListener RETRY_TOPIC", RetryTopicListener.class),

	/** @ReliableListener in RETRY_TOPIC mode with Kafka transactions. */
	RELIABLE_RETRY_TOPIC_TX("@ReliableListener RETRY_TOPIC (transactions)", RetryTopicListener.class);

	private static final Duration RAW_POLL_TIMEOUT = Duration.ofSeconds(5);

	static Probe probe;

	final String label;

	private final Class<?> listener;

	Contender(String label, Class<?> listener) {
		this.label = label;
		this.listener = listener;
	}

	/**
	 * Consume a topic until the probe has seen what it expects, or the timeout passes.
	 * @return the running consumer; close it when done
	 */
	AutoCloseable start(BenchmarkBroker broker, String topic, String group, Probe probe, String... extraProperties) {
		Contender.probe = probe;
		if (this == RAW) {
			return startRaw(broker, topic, group);
		}
		List<String> properties = new ArrayList<>(List.of("spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
				"spring.main.banner-mode=off", "logging.level.root=WARN", "logging.level.dev.reliablekafka=ERROR",
				"logging.level.org.springframework.kafka=ERROR",
				"spring.kafka.consumer.auto-offset-reset=earliest",
				"spring.kafka.consumer.key-deserializer=" + ByteArrayDeserializer.class.getName(),
				"spring.kafka.consumer.value-deserializer=" + ByteArrayDeserializer.class.getName(),
				"spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
				"spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
				"spring.application.name=" + group.replace('_', '-'), "bench.topic=" + topic, "bench.group=" + group));
		if (this == RELIABLE_RETRY_TOPIC_TX) {
			properties.add("spring.kafka.producer.transaction-id-prefix=" + group + "-");
		}
		properties.addAll(List.of(extraProperties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class, this.listener)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
		return context::close;
	}

	/**
	 * The poll loop a user would write for at least once, with what our containers get from Spring Boot (the same
	 * deserializers, {@code auto.offset.reset}, {@code isolation.level} and auto-commit off, and the container's
	 * 5 s poll timeout), and the cheapest correct commit: asynchronous, once per poll, of the offsets after the
	 * records just processed. A failed asynchronous commit is covered by the next one or by the synchronous commit
	 * on close, so nothing is committed before it was processed.
	 */
	private static AutoCloseable startRaw(BenchmarkBroker broker, String topic, String group) {
		Probe probe = Contender.probe;
		KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, group,
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), new ByteArrayDeserializer(),
				new ByteArrayDeserializer());
		AtomicBoolean running = new AtomicBoolean(true);
		Thread thread = new Thread(() -> {
			try (consumer) {
				consumer.subscribe(List.of(topic));
				try {
					while (running.get()) {
						ConsumerRecords<byte[], byte[]> records = consumer.poll(RAW_POLL_TIMEOUT);
						for (ConsumerRecord<byte[], byte[]> record : records) {
							probe.handle(record);
						}
						if (!records.isEmpty()) {
							consumer.commitAsync(records.nextOffsets(), null);
						}
					}
				}
				catch (WakeupException ex) {
					// Stopped while polling.
				}
				try {
					consumer.commitSync();
				}
				catch (WakeupException ex) {
					// The wake-up came after the last poll; it is used up now.
					consumer.commitSync();
				}
			}
		}, "raw-consumer");
		thread.start();
		return () -> {
			running.set(false);
			consumer.wakeup();
			thread.join(30_000);
		};
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainListener {

		@KafkaListener(id = "bench", topics = "#{'${bench.topic}'.split(',')}", groupId = "${bench.group}", concurrency = "1")
		void on(ConsumerRecord<byte[], byte[]> record) {
			probe.handle(record);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableKafkaRetryTopic
	@EnableScheduling // @RetryableTopic needs a TaskScheduler bean
	static class RetryableTopicListener {

		// Its retry and dead-letter topics get the source's 4 partitions, as ours get the broker's default of 4.
		@RetryableTopic(attempts = "${bench.attempts:3}", backOff = @BackOff(delayString = "${bench.retry-delay:1000}"),
				numPartitions = "4")
		@KafkaListener(id = "bench", topics = "#{'${bench.topic}'.split(',')}", groupId = "${bench.group}", concurrency = "1")
		void on(ConsumerRecord<byte[], byte[]> record) {
			probe.handle(record);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BlockingListener {

		@ReliableListener(id = "bench", topics = "#{'${bench.topic}'.split(',')}", groupId = "${bench.group}", concurrency = "1",
				mode = ReliableMode.BLOCKING)
		void on(ConsumerRecord<byte[], byte[]> record) {
			probe.handle(record);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetryTopicListener {

		@ReliableListener(id = "bench", topics = "#{'${bench.topic}'.split(',')}", groupId = "${bench.group}", concurrency = "1",
				mode = ReliableMode.RETRY_TOPIC)
		void on(ConsumerRecord<byte[], byte[]> record) {
			probe.handle(record);
		}

	}

}
