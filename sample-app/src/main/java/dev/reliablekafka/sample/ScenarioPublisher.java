package dev.reliablekafka.sample;

import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.kafka.support.converter.StringJacksonJsonMessageConverter;

/**
 * Creates {@code OrderTopic} and publishes the scenario at start-up: order A, whose first two saves deadlock,
 * then order B, which succeeds.
 */
@Configuration(proxyBeanMethods = false)
class ScenarioPublisher {

	static final String TOPIC = "OrderTopic";

	private static final Logger logger = LoggerFactory.getLogger(ScenarioPublisher.class);

	@Bean
	NewTopic orderTopic() {
		return TopicBuilder.name(TOPIC).partitions(1).replicas(1).build();
	}

	@Bean
	RecordMessageConverter orderConverter() {
		return new StringJacksonJsonMessageConverter();
	}

	@Bean
	@ConditionalOnProperty(name = "sample.publish-scenario", matchIfMissing = true)
	ApplicationRunner publishScenario(KafkaTemplate<String, String> template) {
		return (ApplicationArguments args) -> {
			logger.info("Publishing order A (its first 2 saves deadlock), then order B (succeeds)");
			template.send(TOPIC, "A", "{\"id\":\"A\",\"failures\":2}").get();
			template.send(TOPIC, "B", "{\"id\":\"B\",\"failures\":0}").get();
		};
	}

}
