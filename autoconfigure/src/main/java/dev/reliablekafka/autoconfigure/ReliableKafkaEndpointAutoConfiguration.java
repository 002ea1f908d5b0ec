package dev.reliablekafka.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.reliablekafka.deadletter.DeadLetters;
import dev.reliablekafka.internal.actuate.ReliableKafkaEndpoint;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.topics.TopicDepths;

/**
 * Auto-configuration of the {@code reliablekafka} actuator endpoint, when Spring Boot's actuator is on the
 * classpath and the endpoint is available (exposed and not disabled), as for Boot's own endpoints.
 */
@AutoConfiguration(after = { ReliableKafkaDeadLetterAutoConfiguration.class,
		ReliableKafkaObservabilityAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(DeadLetters.class)
@ConditionalOnAvailableEndpoint(ReliableKafkaEndpoint.class)
public final class ReliableKafkaEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReliableKafkaEndpoint reliableKafkaEndpoint(ListenerPolicies policies, DeadLetters deadLetters,
			ReliableKafkaProperties properties, ObjectProvider<TopicDepths> depths) {
		return new ReliableKafkaEndpoint(policies, deadLetters, properties.getRedrive().isEnabled(),
				properties.getRedrive().getRate(), depths.getIfAvailable());
	}

}
