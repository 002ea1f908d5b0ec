package dev.reliablekafka.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

	/** A KafkaConsumer poll loop committing once per poll: the physical limit. */
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

	private static AutoCloseable startRaw(BenchmarkBroker broker, String topic, String group) {
		AtomicBoolean running = new AtomicBoolean(true);
		Probe probe = Contender.probe;
		Thread thread = new Thread(() -> {
			try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
					ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG,
					group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
					ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
					new ByteArrayDeserializer())) {
				consumer.subscribe(List.of(topic));
				while (running.get()) {
					for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
						probe.handle(record);
					}
					consumer.commitSync();
				}
			}
		}, "raw-consumer");
		thread.start();
		return () -> {
			running.set(false);
			thread.join(10_000);
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
