package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.Map;
import java.util.function.IntFunction;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ProducerFactory;

/**
 * A transactional producer whose commit tries fail as a script says, to drive the retries of a transaction's
 * commit; a try the script lets through commits.
 */
final class ScriptedCommitProducer extends MockProducer<byte[], byte[]> {

	private final IntFunction<@Nullable RuntimeException> failureOfTry;

	volatile int commitTries;

	/**
	 * Create the producer, in a transaction-ready state.
	 * @param failureOfTry the failure of each commit try, counted from 1, or {@code null} to let it commit
	 */
	ScriptedCommitProducer(IntFunction<@Nullable RuntimeException> failureOfTry) {
		super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
		this.failureOfTry = failureOfTry;
		initTransactions();
	}

	@Override
	public void commitTransaction() {
		RuntimeException failure = this.failureOfTry.apply(++this.commitTries);
		if (failure != null) {
			throw failure;
		}
		super.commitTransaction();
	}

	/**
	 * Hand-offs on this producer, whose unresolved commits are looked up on the given broker.
	 */
	TransactionalHandOff handOff(String bootstrapServers, Duration forwardTimeout) {
		Producer<byte[], byte[]> producer = this;
		return new TransactionalHandOff(new ProducerFactory<>() {

			@Override
			public Producer<byte[], byte[]> createProducer() {
				return producer;
			}

			@Override
			public boolean transactionCapable() {
				return true;
			}

			@Override
			public Map<String, Object> getConfigurationProperties() {
				return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
			}

		}, forwardTimeout);
	}

}
