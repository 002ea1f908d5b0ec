package dev.reliablekafka.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.metrics.ReliableKafkaMeters;
import dev.reliablekafka.policy.ListenerPolicies;
import dev.reliablekafka.topics.TopicDepths;

/**
 * Micrometer meters of Reliable Kafka, under {@code reliable.kafka.*}, in the application's {@link MeterRegistry}.
 * Only where Micrometer is on the class path and a registry exists (Spring Boot's, with its actuator); the library
 * works the same without them. The Kafka client metrics of Reliable Kafka's own producers and of the scheduler's
 * consumer come from the Micrometer listeners of the application's Kafka factories, which Spring Boot adds.
 */
@AutoConfiguration(after = ReliableKafkaAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, ListenerPolicies.class })
public final class ReliableKafkaMetricsAutoConfiguration {

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
