package dev.reliablekafka.autoconfigure;

import java.time.Duration;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.BackOff;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.listener.ReliableListenerContainerFactory;
import dev.reliablekafka.internal.policy.BlockingPolicy;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.routing.FailureRouter;
import dev.reliablekafka.internal.routing.RecordForwarder;
import dev.reliablekafka.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the auto-configuration registers, how properties bind into policies, and that the application's own beans
 * and plain {@code @KafkaListener}s are left alone.
 */
class ReliableKafkaAutoConfigurationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create();

	@Test
	void registersTheReliableFactoryButNoGlobalErrorHandler() {
		this.runner.withUserConfiguration(OrderListener.class).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean(ReliableListener.CONTAINER_FACTORY_BEAN_NAME);
			assertThat(context).hasBean("kafkaListenerContainerFactory");
			assertThat(context).hasSingleBean(RecordForwarder.class);
			assertThat(context).doesNotHaveBean(CommonErrorHandler.class);
			MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer("orders");
			assertThat(container.getGroupId()).isEqualTo("order-service");
		});
	}

	@Test
	void builtInDefaultsApplyWhenNothingIsSet() {
		this.runner.withUserConfiguration(OrderListener.class).run(context -> {
			ListenerPolicy policy = context.getBean(ListenerPolicies.class).find("orders");
			assertThat(policy.mode()).isEqualTo(ReliableMode.BLOCKING);
			assertThat(policy.groupId()).isEqualTo("order-service");
			assertThat(policy.topics()).containsExactly("OrderTopic");
			assertThat(policy.blocking()).isEqualTo(
					new BlockingPolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), Duration.ZERO, -1));
			assertThat(policy.deadLetterTopic()).isEqualTo("dlq.order-service");
		});
	}

	@Test
	void listenerPropertiesWinOverTheAnnotationWhichWinsOverDefaults() {
		this.runner.withUserConfiguration(TunedListener.class)
			.withPropertyValues("reliable.kafka.defaults.blocking.initial-interval=2s",
					"reliable.kafka.defaults.blocking.max-attempts=4",
					"reliable.kafka.defaults.blocking.jitter=50ms",
					"reliable.kafka.listeners.tuned.blocking.max-attempts=10",
					"reliable.kafka.topics.dead-letter=<group>.dead")
			.run(context -> {
				BlockingPolicy blocking = context.getBean(ListenerPolicies.class).find("tuned").blocking();
				assertThat(blocking.initialInterval()).isEqualTo(Duration.ofMillis(100));
				assertThat(blocking.multiplier()).isEqualTo(3.0);
				assertThat(blocking.maxInterval()).isEqualTo(Duration.ofSeconds(30));
				assertThat(blocking.jitter()).isEqualTo(Duration.ofMillis(50));
				assertThat(blocking.maxAttempts()).isEqualTo(10);
				assertThat(context.getBean(ListenerPolicies.class).find("tuned").deadLetterTopic())
					.isEqualTo("payments.dead");
			});
	}

	@Test
	void groupFallsBackToTheConsumerGroupProperty() {
		this.runner.withUserConfiguration(GrouplessListener.class)
			.withPropertyValues("spring.kafka.consumer.group-id=shared-group")
			.run(context -> assertThat(context.getBean(ListenerPolicies.class).find("groupless").groupId())
				.isEqualTo("shared-group"));
	}

	@Test
	void eachContainerGetsItsOwnRouterAndPlainListenersKeepTheApplicationsHandler() {
		this.runner.withUserConfiguration(OrderListener.class, PlainListener.class, ApplicationErrorHandler.class)
			.run(context -> {
				KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
				assertThat(((AbstractMessageListenerContainer<?, ?>) registry.getListenerContainer("orders")).getCommonErrorHandler())
					.isInstanceOf(FailureRouter.class);
				assertThat(((AbstractMessageListenerContainer<?, ?>) registry.getListenerContainer("plain")).getCommonErrorHandler())
					.isSameAs(context.getBean("applicationErrorHandler"));
				assertThat(context.getBean("kafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class)
					.getConsumerFactory()).isSameAs(context.getBean(ConsumerFactory.class));
			});
	}

	@Test
	void reliableConsumersReadRawBytesAndNeverAutoCommit() {
		this.runner.withUserConfiguration(OrderListener.class)
			.withPropertyValues("spring.kafka.consumer.enable-auto-commit=true")
			.run(context -> {
				ConcurrentKafkaListenerContainerFactory<?, ?> factory = context
					.getBean(ReliableListener.CONTAINER_FACTORY_BEAN_NAME, ReliableListenerContainerFactory.class)
					.getDelegate();
				DefaultKafkaConsumerFactory<?, ?> consumerFactory = (DefaultKafkaConsumerFactory<?, ?>) factory
					.getConsumerFactory();
				assertThat(consumerFactory.getConfigurationProperties()).containsEntry("enable.auto.commit", false);
				assertThat(consumerFactory.getValueDeserializer())
					.isInstanceOf(org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
			});
	}

	@Test
	void withTransactionsReliableConsumersReadOnlyCommittedRecords() {
		this.runner.withUserConfiguration(OrderListener.class)
			.withPropertyValues("spring.kafka.producer.transaction-id-prefix=tx-")
			.run(context -> {
				DefaultKafkaConsumerFactory<?, ?> consumerFactory = (DefaultKafkaConsumerFactory<?, ?>) context
					.getBean(ReliableListener.CONTAINER_FACTORY_BEAN_NAME, ReliableListenerContainerFactory.class)
					.getDelegate()
					.getConsumerFactory();
				// Boot sets read_uncommitted unless told otherwise; aborted forwards must stay invisible.
				assertThat(consumerFactory.getConfigurationProperties()).containsEntry("isolation.level",
						"read_committed");
			});
	}

	@Test
	void topicsMayBeAListFromAnExpression() {
		this.runner.withUserConfiguration(ExpressionListener.class)
			.withPropertyValues("app.topics=OrderTopic,PaymentTopic")
			.run(context -> assertThat(context.getBean(ListenerPolicies.class).find("listed").topics())
				.containsExactly("OrderTopic", "PaymentTopic"));
	}

	@Test
	void applicationBeansWin() {
		this.runner.withUserConfiguration(OrderListener.class, OwnBeans.class).run(context -> {
			assertThat(context.getBean(RecordForwarder.class)).isSameAs(context.getBean("ownForwarder"));
			assertThat(context.getBean(ReliableListener.CONTAINER_FACTORY_BEAN_NAME))
				.isSameAs(OwnBeans.FACTORY);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service", mode = ReliableMode.BLOCKING)
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TunedListener {

		@ReliableListener(id = "tuned", topics = "PaymentTopic", groupId = "payments",
				backOff = @BackOff(delay = 100, multiplier = 3, maxDelay = 30_000), maxAttempts = "3")
		void onPayment(String payment) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ExpressionListener {

		@ReliableListener(id = "listed", topics = "#{'${app.topics}'.split(',')}", groupId = "listed")
		void onRecord(String record) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GrouplessListener {

		@ReliableListener(id = "groupless", topics = "OrderTopic")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainListener {

		@KafkaListener(id = "plain", topics = "PlainTopic", groupId = "plain")
		void onMessage(String message) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationErrorHandler {

		@Bean
		CommonErrorHandler applicationErrorHandler() {
			return new CommonErrorHandler() {

				@Override
				public boolean handleOne(Exception thrownException, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
						MessageListenerContainer container) {
					return true;
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		static final ConcurrentKafkaListenerContainerFactory<Object, Object> FACTORY = new ConcurrentKafkaListenerContainerFactory<>();

		@Bean
		RecordForwarder ownForwarder(ConsumerFactory<?, ?> unused) {
			return new RecordForwarder(new org.springframework.kafka.core.DefaultKafkaProducerFactory<>(
					java.util.Map.of("bootstrap.servers", "localhost:9")), Duration.ofSeconds(1));
		}

		@Bean(ReliableListener.CONTAINER_FACTORY_BEAN_NAME)
		ConcurrentKafkaListenerContainerFactory<Object, Object> reliableKafkaListenerContainerFactory(
				ConsumerFactory<Object, Object> consumerFactory) {
			FACTORY.setConsumerFactory(consumerFactory);
			return FACTORY;
		}

	}

}
