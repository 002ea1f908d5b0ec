package dev.reliablekafka.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.health.ForwardFailures;
import dev.reliablekafka.health.ReliableKafkaHealthIndicator;
import dev.reliablekafka.policy.ListenerPolicies;
import dev.reliablekafka.retrytopic.DelayTierScheduler;

/**
 * The {@code reliableKafka} health contributor, where Spring Boot's health support is on the class path
 * ({@code spring-boot-health}, which the actuator brings); {@code management.health.reliablekafka.enabled=false}
 * turns it off.
 */
@AutoConfiguration(after = ReliableKafkaAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ListenerPolicies.class)
@ConditionalOnEnabledHealthIndicator("reliablekafka")
public final class ReliableKafkaHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ForwardFailures reliableKafkaForwardFailures() {
		return new ForwardFailures();
	}

	@Bean
	@ConditionalOnMissingBean(name = "reliableKafkaHealthIndicator")
	ReliableKafkaHealthIndicator reliableKafkaHealthIndicator(ListenerPolicies policies,
			ObjectProvider<KafkaListenerEndpointRegistry> registry, PartitionBackOff partitionBackOff,
			ForwardFailures forwardFailures, ObjectProvider<DelayTierScheduler> scheduler,
			ReliableKafkaProperties properties) {
		return new ReliableKafkaHealthIndicator(policies, id -> {
			KafkaListenerEndpointRegistry endpoints = registry.getIfAvailable();
			return (endpoints != null) ? endpoints.getListenerContainer(id) : null;
		}, partitionBackOff, forwardFailures, scheduler.getIfAvailable(),
				properties.getHealth().getForwardFailureThreshold());
	}

}
