package dev.reliablekafka.internal.listener;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static dev.reliablekafka.test.StartupFailures.configurationCause;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An application {@link ContainerCustomizer} that undoes a safety setting of a reliable container (a transaction
 * manager, async acks, a batch listener, another error handler) stops the application at start-up, checked after
 * every customizer ran, with the listener, the setting and the fix; a harmless customizer is applied.
 */
class UnsafeContainerCustomizerTests {

	@Test
	void transactionManager() {
		assertStartupFails(TransactionManagerCustomizer.class,
				"Reliable listener 'orders': the container's transaction manager was set by a ContainerCustomizer");
	}

	@Test
	void kafkaAwareTransactionManager() {
		assertStartupFails(KafkaTransactionManagerCustomizer.class,
				"Reliable listener 'orders': the container's transaction manager was set by a ContainerCustomizer");
	}

	@Test
	void asyncAcks() {
		assertStartupFails(AsyncAcksCustomizer.class,
				"Reliable listener 'orders': the container's async acks were turned on by a ContainerCustomizer");
	}

	@Test
	void batchListener() {
		assertStartupFails(BatchListenerCustomizer.class,
				"Reliable listener 'orders': the container's message listener was replaced by a ContainerCustomizer "
						+ "with a batch listener");
	}

	@Test
	void errorHandler() {
		assertStartupFails(ErrorHandlerCustomizer.class,
				"Reliable listener 'orders': the container's error handler was set by a ContainerCustomizer "
						+ "to DefaultErrorHandler");
	}

	@Test
	void harmlessCustomizerIsApplied() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				ConfigurableApplicationContext app = ReliableTestApp.run(kafka, RecordAckCustomizer.class,
						"test.group=" + KafkaTestClient.unique("customized"))) {
			assertThat(app.getBean(ReliableListenerContainerFactory.class)
				.getDelegate()
				.getContainerProperties()
				.getAckMode()).isNotEqualTo(AckMode.RECORD);
			assertThat(((ConcurrentMessageListenerContainer<?, ?>) app
				.getBean(org.springframework.kafka.config.KafkaListenerEndpointRegistry.class)
				.getListenerContainer("orders")).getContainerProperties().getAckMode()).isEqualTo(AckMode.RECORD);
		}
	}

	private static void assertStartupFails(Class<?> customizer, String expected) {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			Throwable failure = catchThrowable(() -> ReliableTestApp.run(kafka, customizer,
					"test.group=" + KafkaTestClient.unique("customized")).close());
			assertThat(failure).as("start-up failure").isNotNull();
			ReliableKafkaConfigurationException cause = configurationCause(failure);
			assertThat(cause.getMessage()).contains(expected);
			assertThat(cause.getListenerId()).isEqualTo("orders");
			assertThat(cause.getFix()).isNotBlank();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "${test.group}")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Listener.class)
	static class TransactionManagerCustomizer {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> customizer() {
			return container -> container.getContainerProperties().setTransactionManager(new NoTransactions());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Listener.class)
	static class KafkaTransactionManagerCustomizer {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> customizer(
				KafkaTestClient kafka) {
			DefaultKafkaProducerFactory<Object, Object> producerFactory = new DefaultKafkaProducerFactory<>(
					Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
			producerFactory.setTransactionIdPrefix("tx-");
			return container -> container.getContainerProperties()
				.setKafkaAwareTransactionManager(new KafkaTransactionManager<>(producerFactory));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Listener.class)
	static class AsyncAcksCustomizer {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> customizer() {
			return container -> container.getContainerProperties().setAsyncAcks(true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Listener.class)
	static class BatchListenerCustomizer {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> customizer() {
			return container -> container.setupMessageListener((BatchMessageListener<Object, Object>) records -> {
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Listener.class)
	static class ErrorHandlerCustomizer {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> customizer() {
			return container -> container.setCommonErrorHandler(new DefaultErrorHandler());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Listener.class)
	static class RecordAckCustomizer {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> customizer() {
			return container -> container.getContainerProperties().setAckMode(AckMode.RECORD);
		}

	}

	static class NoTransactions implements PlatformTransactionManager {

		@Override
		public TransactionStatus getTransaction(TransactionDefinition definition) {
			return new SimpleTransactionStatus();
		}

		@Override
		public void commit(TransactionStatus status) {
		}

		@Override
		public void rollback(TransactionStatus status) {
		}

	}

}
