package dev.reliablekafka.sample;

import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.util.StringUtils;

/**
 * Starts a single-node KRaft broker in-process when no {@code spring.kafka.bootstrap-servers} is configured
 * (neither in properties nor as {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}), and points the application at it. Set
 * {@code sample.embedded-kafka=false} to start none, e.g. when a Testcontainers broker provides the connection.
 */
public class EmbeddedKafkaInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (StringUtils.hasText(environment.getProperty("spring.kafka.bootstrap-servers"))
				|| !environment.getProperty("sample.embedded-kafka", Boolean.class, true)) {
			return;
		}
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.brokerProperties(Map.of("group.initial.rebalance.delay.ms", "0"));
		broker.afterPropertiesSet();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("embeddedKafka",
					Map.of("spring.kafka.bootstrap-servers", broker.getBrokersAsString())));
		context.addApplicationListener(event -> {
			if (event instanceof ContextClosedEvent) {
				broker.destroy();
			}
		});
	}

}
