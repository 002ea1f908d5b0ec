package dev.reliablekafka.test;

import dev.reliablekafka.ReliableKafkaConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finds the {@link ReliableKafkaConfigurationException} behind a failed start-up, however deeply Spring wrapped it,
 * so that a test asserts on the message a user reads.
 */
public final class StartupFailures {

	private StartupFailures() {
	}

	/**
	 * The configuration exception in the causes of a start-up failure; fails the test when there is none.
	 * @param failure what the start-up threw
	 * @return the first {@link ReliableKafkaConfigurationException} among its causes
	 */
	public static ReliableKafkaConfigurationException configurationCause(Throwable failure) {
		Throwable candidate = failure;
		while (candidate != null && !(candidate instanceof ReliableKafkaConfigurationException)) {
			candidate = candidate.getCause();
		}
		assertThat(candidate).as("cause of " + failure).isNotNull();
		return (ReliableKafkaConfigurationException) candidate;
	}

}
