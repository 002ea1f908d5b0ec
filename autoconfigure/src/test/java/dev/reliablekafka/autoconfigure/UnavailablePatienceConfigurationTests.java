package dev.reliablekafka.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.reliablekafka.ReliableKafkaConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A negative {@code reliable.kafka.topics.unavailable-patience} stops the application at start-up, naming the
 * setting and the fix, instead of silently moving records on at once.
 */
class UnavailablePatienceConfigurationTests {

	@Test
	void negativePatienceFailsStartUp() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, ReliableKafkaAutoConfiguration.class))
			.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "spring.kafka.listener.auto-startup=false",
					"reliable.kafka.topics.create=false", "reliable.kafka.topics.verify=false",
					"reliable.kafka.topics.unavailable-patience=-5m")
			.run(context -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ReliableKafkaConfigurationException.class)
					.hasMessageContaining("reliable.kafka.topics.unavailable-patience is -5m but must not be negative")
					.hasMessageContaining("Set 0s");
			});
	}

}
