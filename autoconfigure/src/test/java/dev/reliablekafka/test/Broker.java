package dev.reliablekafka.test;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The real Kafka brokers integration tests run on. Each is started once per test JVM and shared by every test
 * class; tests isolate themselves with their own topics and groups.
 */
public enum Broker {

	/** spring-kafka-test's in-process KRaft broker: always available. */
	EMBEDDED {
		@Override
		public String bootstrapServers() {
			return Embedded.INSTANCE.getBrokersAsString();
		}
	},

	/** Testcontainers' {@code apache/kafka} image: runs where a Docker engine is available, skipped elsewhere. */
	TESTCONTAINERS {
		@Override
		public String bootstrapServers() {
			Assumptions.assumeTrue(Docker.AVAILABLE, "Docker is not available: Testcontainers broker skipped");
			return Container.bootstrapServers();
		}
	};

	/**
	 * Return the bootstrap servers, starting the broker on first use. Aborts the test (skipped, not failed) when
	 * the broker cannot run on this machine.
	 * @return the bootstrap servers
	 */
	public abstract String bootstrapServers();

	private static final class Embedded {

		static final EmbeddedKafkaKraftBroker INSTANCE = start();

		private static EmbeddedKafkaKraftBroker start() {
			EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
			broker.brokerProperties(Map.of("group.initial.rebalance.delay.ms", "0", "auto.create.topics.enable",
					"false", "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
			broker.afterPropertiesSet();
			Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
			return broker;
		}

	}

	private static final class Docker {

		static final boolean AVAILABLE = dockerAvailable();

		private static boolean dockerAvailable() {
			try {
				return DockerClientFactory.instance().isDockerAvailable();
			}
			catch (RuntimeException ex) {
				return false;
			}
		}

	}

	/**
	 * The container, started once; where Docker runs but the image cannot be pulled or started (no registry
	 * access), its tests are skipped with the reason, not failed.
	 */
	private static final class Container {

		static final @Nullable KafkaContainer INSTANCE;

		static final @Nullable String FAILURE;

		static {
			KafkaContainer started = null;
			String failure = null;
			try {
				started = start();
			}
			catch (RuntimeException ex) {
				failure = String.valueOf(ex);
			}
			INSTANCE = started;
			FAILURE = failure;
		}

		@SuppressWarnings("resource")
		private static KafkaContainer start() {
			KafkaContainer container = new KafkaContainer("apache/kafka:4.1.1")
				.withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
				.withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return container;
		}

		static String bootstrapServers() {
			KafkaContainer container = INSTANCE;
			Assumptions.assumeTrue(container != null,
					() -> "Docker is available but apache/kafka could not be started: " + FAILURE);
			return container.getBootstrapServers();
		}

	}

}
