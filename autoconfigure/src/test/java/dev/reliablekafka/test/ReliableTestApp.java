package dev.reliablekafka.test;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Starts a Spring Boot application with Reliable Kafka auto-configured against a test broker, with a
 * {@link ProcessingLog} and the {@link KafkaTestClient} available as beans.
 */
public final class ReliableTestApp {

	private ReliableTestApp() {
	}

	/**
	 * Run an application.
	 * @param kafka the test client, whose broker the application uses
	 * @param listeners configuration classes declaring the listeners
	 * @param properties extra {@code key=value} properties
	 * @return the running context; close it at the end of the test
	 */
	public static ConfigurableApplicationContext run(KafkaTestClient kafka, Class<?> listeners, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
				"spring.kafka.consumer.auto-offset-reset=earliest", "spring.main.banner-mode=off",
				"spring.kafka.listener.poll-timeout=500ms"));
		all.addAll(List.of(properties));
		if (all.stream().noneMatch(property -> property.startsWith("spring.application.name="))) {
			// Delay tiers are per application: keep tests apart on the shared broker.
			all.add("spring.application.name=" + KafkaTestClient.unique("app"));
		}
		return new SpringApplicationBuilder(TestApplication.class, listeners).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.initializers(context -> context.getBeanFactory().registerSingleton("kafkaTestClient", kafka))
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ProcessingLog processingLog() {
			return new ProcessingLog();
		}

	}

}
