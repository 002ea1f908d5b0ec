package dev.reliablekafka.test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.reliablekafka.autoconfigure.ReliableKafkaAutoConfiguration;

/**
 * An {@link ApplicationContextRunner} with Kafka's and Reliable Kafka's auto-configuration and no broker: containers
 * do not start and topics are neither created nor verified, so a test sees what start-up decides (policies, beans,
 * configuration failures) in milliseconds.
 */
public final class OfflineContextRunner {

	private OfflineContextRunner() {
	}

	/**
	 * A runner that starts the auto-configuration against an unreachable broker, without starting containers or
	 * touching topics.
	 * @return a new runner, to add user configuration and properties to
	 */
	public static ApplicationContextRunner create() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, ReliableKafkaAutoConfiguration.class))
			.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "spring.kafka.listener.auto-startup=false",
					"reliable.kafka.topics.create=false", "reliable.kafka.topics.verify=false");
	}

}
