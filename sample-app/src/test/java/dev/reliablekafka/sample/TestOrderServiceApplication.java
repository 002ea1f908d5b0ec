package dev.reliablekafka.sample;

import org.testcontainers.kafka.KafkaContainer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;

/**
 * Runs the sample app against a Kafka broker in Docker instead of the embedded one:
 * {@code ./mvnw -pl sample-app -am spring-boot:test-run}. Needs a Docker engine.
 */
public class TestOrderServiceApplication {

	public static void main(String[] args) {
		SpringApplication.from(OrderServiceApplication::main)
			.with(KafkaContainerConfiguration.class)
			.run("--sample.embedded-kafka=false");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class KafkaContainerConfiguration {

		@Bean
		@ServiceConnection
		KafkaContainer kafkaContainer() {
			return new KafkaContainer("apache/kafka:4.1.1");
		}

	}

}
