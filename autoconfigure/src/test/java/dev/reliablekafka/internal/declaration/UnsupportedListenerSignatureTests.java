package dev.reliablekafka.internal.declaration;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.StubMethod;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.OfflineContextRunner;

import static dev.reliablekafka.test.StartupFailures.configurationCause;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * A listener method that Spring Kafka would run asynchronously, or that is shaped for a batch, fails start-up
 * naming the listener, the method and the fix: Spring Kafka acknowledges an asynchronous failure before the
 * failure router sees it, and a reliable listener receives one record per call.
 */
class UnsupportedListenerSignatureTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create();

	@Test
	void completableFuture() {
		assertRejected(CompletableFutureListener.class,
				"Reliable listener 'orders': method CompletableFutureListener.onOrder returns CompletableFuture, so "
						+ "Spring Kafka would run it asynchronously",
				"Make the method synchronous");
	}

	@Test
	void completionStage() {
		assertRejected(CompletionStageListener.class, "method CompletionStageListener.onOrder returns CompletionStage",
				"Make the method synchronous");
	}

	@Test
	void future() {
		assertRejected(FutureListener.class, "method FutureListener.onOrder returns Future",
				"Make the method synchronous");
	}

	@Test
	void objectReturnType() {
		assertRejected(ObjectListener.class, "method ObjectListener.onOrder returns java.lang.Object, which may be a "
				+ "CompletableFuture or a Mono at run time", "Declare the return type the method really returns");
	}

	@Test
	void typeVariableReturnType() {
		assertRejected(GenericListener.class, "method GenericListener.onOrder returns T, which may be a "
				+ "CompletableFuture", "Declare the return type the method really returns");
	}

	@Test
	void consumerRecords() {
		assertRejected(ConsumerRecordsListener.class,
				"method ConsumerRecordsListener.onOrders takes a ConsumerRecords parameter", "Take one record");
	}

	@Test
	void listOfConsumerRecords() {
		assertRejected(RecordListListener.class, "method RecordListListener.onOrders takes the collection "
				+ "java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<java.lang.String, java.lang.String>> "
				+ "as payload", "Take one record");
	}

	@Test
	void listOfMessages() {
		assertRejected(MessageListListener.class, "method MessageListListener.onOrders takes the collection",
				"Take one record");
	}

	@Test
	void listOfPayloads() {
		assertRejected(PayloadListListener.class,
				"method PayloadListListener.onOrders takes the collection java.util.List<java.lang.String> as payload",
				"Take one record");
	}

	@Test
	void collectionAsPayloadOfAMessage() {
		assertRejected(MessageOfCollectionListener.class, "method MessageOfCollectionListener.onOrders takes the "
				+ "collection", "Take one record");
	}

	@Test
	void containerPostProcessor() {
		assertRejected(PostProcessedListener.class, "has the container post-processor 'myPostProcessor'",
				"Remove the containerPostProcessor attribute");
	}

	@Test
	void synchronousSignaturesAreAccepted() {
		this.runner.withUserConfiguration(SupportedListeners.class)
			.withPropertyValues("spring.kafka.listener.ack-mode=manual")
			.run(context -> assertThat(context).hasNotFailed());
	}

	@Test
	void reactorTypesAreRejectedByName() throws Exception {
		ClassLoader loader = getClass().getClassLoader();
		Class<?> mono = new ByteBuddy().subclass(Object.class)
			.name("reactor.core.publisher.Mono")
			.make()
			.load(loader, ClassLoadingStrategy.Default.WRAPPER)
			.getLoaded();
		Class<?> flux = new ByteBuddy().subclass(Object.class)
			.name("reactor.core.publisher.Flux")
			.make()
			.load(loader, ClassLoadingStrategy.Default.WRAPPER)
			.getLoaded();
		assertThatExceptionOfType(ReliableKafkaConfigurationException.class)
			.isThrownBy(() -> check(listenerReturning(mono)))
			.withMessageContaining("method Generated.onOrder returns Mono, so Spring Kafka would run it asynchronously");
		assertThatExceptionOfType(ReliableKafkaConfigurationException.class)
			.isThrownBy(() -> check(listenerReturning(flux)))
			.withMessageContaining("returns Flux");
	}

	@Test
	void kotlinSuspendFunctionIsRejectedByName() throws Exception {
		Class<?> continuation = new ByteBuddy().makeInterface()
			.name("kotlin.coroutines.Continuation")
			.make()
			.load(getClass().getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
			.getLoaded();
		Class<?> listener = new ByteBuddy().subclass(Object.class)
			.name("generated.SuspendListener")
			.defineMethod("onOrder", Object.class, Visibility.PUBLIC)
			.withParameters(String.class, continuation)
			.intercept(StubMethod.INSTANCE)
			.make()
			.load(continuation.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
			.getLoaded();
		assertThatExceptionOfType(ReliableKafkaConfigurationException.class)
			.isThrownBy(() -> check(listener.getMethod("onOrder", String.class, continuation)))
			.withMessageContaining("is a Kotlin suspend function")
			.satisfies(ex -> assertThat(ex.getFix()).contains("runBlocking"));
	}

	@Test
	void stringPayloadWithHeadersIsAccepted() throws Exception {
		assertThatNoException().isThrownBy(() -> check(
				SupportedListeners.class.getDeclaredMethod("withHeader", String.class, List.class)));
	}

	private static Method listenerReturning(Class<?> returnType) throws NoSuchMethodException {
		Class<?> listener = new ByteBuddy().subclass(Object.class)
			.name("generated.Generated")
			.defineMethod("onOrder", returnType, Visibility.PUBLIC)
			.withParameters(String.class)
			.intercept(StubMethod.INSTANCE)
			.make()
			.load(returnType.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
			.getLoaded();
		return listener.getMethod("onOrder", String.class);
	}

	private static void check(Method method) {
		ListenerSignatureCheck.check("orders", method.getDeclaringClass().getSimpleName() + "." + method.getName(),
				method);
	}

	private void assertRejected(Class<?> listener, String expected, String fix) {
		this.runner.withUserConfiguration(listener).run(context -> {
			assertThat(context).hasFailed();
			ReliableKafkaConfigurationException cause = configurationCause(context.getStartupFailure());
			assertThat(cause.getMessage()).contains(expected);
			assertThat(cause.getListenerId()).isEqualTo("orders");
			assertThat(cause.getFix()).contains(fix);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CompletableFutureListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		CompletableFuture<Void> onOrder(String order) {
			return CompletableFuture.completedFuture(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CompletionStageListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		CompletionStage<Void> onOrder(String order) {
			return CompletableFuture.completedFuture(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FutureListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		Future<?> onOrder(String order) {
			return CompletableFuture.completedFuture(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObjectListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		Object onOrder(String order) {
			return CompletableFuture.completedFuture(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GenericListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		<T> T onOrder(String order) {
			return null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConsumerRecordsListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		void onOrders(ConsumerRecords<String, String> orders) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordListListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		void onOrders(List<ConsumerRecord<String, String>> orders) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MessageListListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		void onOrders(List<Message<String>> orders, Acknowledgment ack) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PayloadListListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		void onOrders(@Payload List<String> orders) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MessageOfCollectionListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		void onOrders(Message<Collection<String>> orders) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PostProcessedListener {

		@PostProcessedReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service",
				containerPostProcessor = "myPostProcessor")
		void onOrder(String order) {
		}

		@Bean
		static ContainerPostProcessor<Object, Object, AbstractMessageListenerContainer<Object, Object>> myPostProcessor() {
			return container -> {
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SupportedListeners {

		@ReliableListener(id = "plain", topics = "OrderTopic", groupId = "g1")
		void plain(String order) {
		}

		@ReliableListener(id = "record", topics = "OrderTopic", groupId = "g2")
		String record(ConsumerRecord<String, String> order, Acknowledgment ack) {
			return "done";
		}

		@ReliableListener(id = "message", topics = "OrderTopic", groupId = "g3")
		void message(Message<String> order) {
		}

		@ReliableListener(id = "withHeader", topics = "OrderTopic", groupId = "g4")
		void withHeader(String order, @Header(name = "tags", required = false) List<String> tags) {
		}

		@ReliableListener(id = "bytes", topics = "OrderTopic", groupId = "g5")
		void bytes(byte[] order, @Header(KafkaHeaders.RECEIVED_PARTITION) int partition) {
		}

	}

}
