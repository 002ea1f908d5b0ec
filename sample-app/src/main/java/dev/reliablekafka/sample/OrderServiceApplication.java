package dev.reliablekafka.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An order service that consumes {@code OrderTopic} with Reliable Kafka, once per guarantee. Without
 * {@code spring.kafka.bootstrap-servers} it starts an embedded Kafka broker (see {@link EmbeddedKafkaInitializer}),
 * so the demo needs nothing installed.
 */
@SpringBootApplication
public class OrderServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(OrderServiceApplication.class, args);
	}

}
