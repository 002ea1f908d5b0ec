package dev.reliablekafka.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.deadletter.DeadLetters;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.topics.TopicNaming;

/**
 * Auto-configuration of {@link DeadLetters}: browsing and redriving the dead-letter topics of the reliable
 * listener groups, from code.
 */
@AutoConfiguration(after = ReliableKafkaAutoConfiguration.class)
@ConditionalOnBean(ListenerPolicies.class)
public final class ReliableKafkaDeadLetterAutoConfiguration {

	private static final String PREFIX = "reliable.kafka.redrive.";

	@Bean
	@ConditionalOnMissingBean
	DeadLetters reliableDeadLetters(ListenerPolicies policies, ObjectProvider<ConsumerFactory<?, ?>> consumerFactory,
			ObjectProvider<ProducerFactory<?, ?>> producerFactory, ReliableKafkaProperties properties) {
		ReliableKafkaProperties.Redrive redrive = properties.getRedrive();
		check(redrive.getMaxRedrives() >= 1, "max-redrives",
				"is " + redrive.getMaxRedrives() + " but must be at least 1",
				"Allow at least 1 redrive of a record; 3 (the default) stops a record that keeps failing.");
		check(redrive.getRate() > 0 && !Double.isInfinite(redrive.getRate()), "rate",
				"is " + redrive.getRate() + " but must be a positive number",
				"Give the records per second a redrive moves at most, e.g. 100.");
		check(redrive.getPreviewBytes() >= 0, "preview-bytes",
				"is " + redrive.getPreviewBytes() + " but must not be negative",
				"Give the bytes of a key or value shown when browsing, e.g. 256.");
		check(redrive.getGroup().contains(TopicNaming.GROUP), "group",
				"is '" + redrive.getGroup() + "' but must hold " + TopicNaming.GROUP,
				"Put " + TopicNaming.GROUP + " in it: each group needs its own redrive memory.");
		return new DeadLetters(policies, consumerFactory.getObject().getConfigurationProperties(),
				producerFactory.getObject().getConfigurationProperties(), redrive.getGroup(), redrive.getMaxRedrives(),
				redrive.getRate(), redrive.getPreviewBytes(), properties.getForwardTimeout());
	}

	private static void check(boolean valid, String property, String problem, String fix) {
		if (!valid) {
			throw new ReliableKafkaConfigurationException(null, PREFIX + property, problem, fix);
		}
	}

}
