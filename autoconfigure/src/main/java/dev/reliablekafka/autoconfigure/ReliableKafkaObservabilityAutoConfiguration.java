package dev.reliablekafka.autoconfigure;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

import dev.reliablekafka.internal.breaker.OutageBreakers;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.health.ForwardFailures;
import dev.reliablekafka.internal.health.ReliableKafkaHealthIndicator;
import dev.reliablekafka.internal.metrics.ReliableKafkaMeters;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.retrytopic.DelayTierScheduler;
import dev.reliablekafka.internal.topics.TopicDepths;

/**
 * What an operator sees of Reliable Kafka: the records waiting in its topics ({@link TopicDepths}), its Micrometer
 * meters under {@code reliable.kafka.*} where Micrometer and a {@link MeterRegistry} are present (Spring Boot's
 * actuator brings both), and the {@code reliableKafka} health contributor where Spring Boot's health support is
 * ({@code management.health.reliablekafka.enabled=false} turns it off). Without Micrometer or the health support
 * the library works the same. The Kafka client metrics of Reliable Kafka's own producers and of the scheduler's
 * consumer come from the Micrometer listeners of the application's Kafka factories, which Spring Boot adds.
 */
@AutoConfiguration(after = ReliableKafkaAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean(ListenerPolicies.class)
public final class ReliableKafkaObservabilityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TopicDepths reliableTopicDepths(ObjectProvider<KafkaAdmin> kafkaAdmin, ListenerPolicies policies,
			ReliableKafkaProperties properties, Environment environment) {
		KafkaAdmin admin = kafkaAdmin.getIfAvailable();
		String schedulerGroup = ReliableKafkaAutoConfiguration.schedulerGroup(properties,
				ReliableKafkaAutoConfiguration.namespace(properties, environment));
		return new TopicDepths((admin != null) ? admin.getConfigurationProperties() : null,
				() -> watchedTopics(policies, schedulerGroup), properties.getMetrics().getTopicDepthRefresh());
	}

	// Each delay tier for the scheduler's group; each group's retry and dead-letter topic for that group.
	private static Collection<TopicDepths.Watched> watchedTopics(ListenerPolicies policies, String schedulerGroup) {
		Set<TopicDepths.Watched> topics = new LinkedHashSet<>();
		ReliableKafkaAutoConfiguration.delayTiers(policies)
			.forEach(tier -> topics.add(new TopicDepths.Watched(TopicDepths.Kind.DELAY_TIER, tier, schedulerGroup)));
		for (ListenerPolicy policy : policies.all()) {
			if (policy.groupRetryTopic() != null) {
				topics.add(new TopicDepths.Watched(TopicDepths.Kind.RETRY, policy.groupRetryTopic(), policy.groupId()));
			}
			if (policy.deadLetterTopic() != null) {
				topics.add(new TopicDepths.Watched(TopicDepths.Kind.DEAD_LETTER, policy.deadLetterTopic(),
						policy.groupId()));
			}
		}
		return topics;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MeterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReliableKafkaMeters reliableKafkaMeters(MeterRegistry registry) {
			return new ReliableKafkaMeters(registry);
		}

		// Gauges and zero counters of every listener, once every listener is known.
		@Bean
		SmartInitializingSingleton reliableKafkaMeterBinder(ReliableKafkaMeters meters, ListenerPolicies policies,
				PartitionBackOff partitionBackOff, TopicDepths depths) {
			return () -> meters.bind(policies.all(), partitionBackOff, depths);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class HealthConfiguration {

		// Nested, so that its condition is read only where Spring Boot's health support is present.
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnEnabledHealthIndicator("reliablekafka")
		static class EnabledHealthConfiguration {

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
					ReliableKafkaProperties properties, ObjectProvider<OutageBreakers> breakers) {
				ReliableKafkaHealthIndicator indicator = new ReliableKafkaHealthIndicator(policies, id -> {
					KafkaListenerEndpointRegistry endpoints = registry.getIfAvailable();
					return (endpoints != null) ? endpoints.getListenerContainer(id) : null;
				}, partitionBackOff, forwardFailures, scheduler.getIfAvailable(),
						properties.getHealth().getForwardFailureThreshold());
				indicator.setBreakers(breakers.getIfAvailable());
				return indicator;
			}

		}

	}

}
