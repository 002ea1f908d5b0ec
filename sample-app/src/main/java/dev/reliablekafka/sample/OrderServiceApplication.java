package dev.reliablekafka.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An order service that consumes {@code OrderTopic} with Reliable Kafka. Without
 * {@code spring.kafka.bootstrap-servers} it starts an embedded Kafka broker, so the demo needs nothing installed.
 */
@SpringBootApplication
public class OrderServiceApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(OrderServiceApplication.class);
		application.addInitializers(new EmbeddedKafkaInitializer());
		application.run(args);
	}

}
