package dev.reliablekafka.sample;

import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes the scenario at start-up: order A, which deadlocks twice, then order B, which succeeds.
 */
@Configuration(proxyBeanMethods = false)
class ScenarioPublisher {

	private static final Logger logger = LoggerFactory.getLogger(ScenarioPublisher.class);

	@Bean
	NewTopic orderTopic() {
		return TopicBuilder.name("OrderTopic").partitions(1).replicas(1).build();
	}

	@Bean
	ApplicationRunner publishScenario(KafkaTemplate<String, String> template) {
		return (ApplicationArguments args) -> {
			logger.info("Publishing order A (deadlocks on its first 2 attempts), then order B (succeeds)");
			template.send("OrderTopic", "A", "fail:2:A").get();
			template.send("OrderTopic", "B", "B").get();
		};
	}

}
