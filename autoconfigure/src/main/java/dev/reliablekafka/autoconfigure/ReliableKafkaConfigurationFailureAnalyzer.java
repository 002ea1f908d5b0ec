package dev.reliablekafka.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.reliablekafka.ReliableKafkaConfigurationException;

/**
 * Reports a {@link ReliableKafkaConfigurationException} at start-up as what is wrong and what to change.
 */
class ReliableKafkaConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ReliableKafkaConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReliableKafkaConfigurationException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getFix(), cause);
	}

}
