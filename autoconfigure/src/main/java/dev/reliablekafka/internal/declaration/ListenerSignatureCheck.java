package dev.reliablekafka.internal.declaration;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecords;

import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.reliablekafka.ReliableKafkaConfigurationException;

/**
 * Rejects, at start-up, listener methods whose records Reliable Kafka could not keep safe:
 * <ul>
 * <li>asynchronous methods (a future, a Reactor {@code Mono} or {@code Flux}, a Kotlin {@code suspend} function):
 * Spring Kafka acknowledges their record before a failure reaches the failure router, and hands the router the
 * converted record instead of its bytes, so a failed record would be lost;</li>
 * <li>batch-shaped parameters ({@code ConsumerRecords}, a {@code List} or other collection as payload): reliable
 * listeners receive one record per call, so such a parameter never gets a batch. {@code ConsumerRecords} fails
 * to convert and every record would be dead-lettered; a {@code List<ConsumerRecord>} or {@code List<Message>}
 * gets a list of the record's converted value instead; a {@code List<String>} gets the value split at commas;</li>
 * <li>a {@code containerPostProcessor}, which would run after the failure router is installed and could replace
 * it.</li>
 * </ul>
 * Reactor and Kotlin are optional, so their types are recognised by name.
 */
final class ListenerSignatureCheck {

	private static final Set<String> ASYNC_TYPE_NAMES = Set.of("reactor.core.publisher.Mono",
			"reactor.core.publisher.Flux", "org.reactivestreams.Publisher", "kotlinx.coroutines.Job");

	private static final String KOTLIN_CONTINUATION = "kotlin.coroutines.Continuation";

	private ListenerSignatureCheck() {
	}

	/**
	 * Check one listener method.
	 * @param listenerId the listener id
	 * @param where the method as {@code SimpleClassName.method}
	 * @param method the method
	 * @throws ReliableKafkaConfigurationException when the method cannot be served safely
	 */
	static void check(String listenerId, String where, Method method) {
		String setting = "method " + where;
		Class<?> returnType = method.getReturnType();
		if (isAsync(returnType)) {
			throw new ReliableKafkaConfigurationException(listenerId, setting, "returns " + returnType.getSimpleName()
					+ ", so Spring Kafka would run it asynchronously: it acknowledges the record before a failure "
					+ "reaches Reliable Kafka, which could lose the record",
					"Make the method synchronous: return void (or a value) and wait for the asynchronous work "
							+ "inside it, e.g. future.join() or mono.block(), so that a failure is thrown from the "
							+ "method.");
		}
		Class<?>[] parameterTypes = method.getParameterTypes();
		if (parameterTypes.length > 0
				&& KOTLIN_CONTINUATION.equals(parameterTypes[parameterTypes.length - 1].getName())) {
			throw new ReliableKafkaConfigurationException(listenerId, setting,
					"is a Kotlin suspend function, which Spring Kafka runs asynchronously: it acknowledges the "
							+ "record before a failure reaches Reliable Kafka, which could lose the record",
					"Make it a regular (non-suspend) function and run suspending code inside it with "
							+ "runBlocking { ... }, so that a failure is thrown from the function.");
		}
		if (mayHoldAsync(returnType)) {
			throw new ReliableKafkaConfigurationException(listenerId, setting, "returns "
					+ method.getGenericReturnType().getTypeName() + ", which may be a CompletableFuture or a Mono at "
					+ "run time: Spring Kafka would then acknowledge the record before a failure reaches Reliable Kafka, "
					+ "which could lose the record",
					"Declare the return type the method really returns: void, or a concrete type such as String.");
		}
		for (int i = 0; i < parameterTypes.length; i++) {
			checkParameter(listenerId, setting, new MethodParameter(method, i));
		}
		KafkaListener kafkaListener = AnnotatedElementUtils.findMergedAnnotation(method, KafkaListener.class);
		if (kafkaListener != null && StringUtils.hasText(kafkaListener.containerPostProcessor())) {
			throw new ReliableKafkaConfigurationException(listenerId, setting,
					"has the container post-processor '" + kafkaListener.containerPostProcessor()
							+ "', which would run after Reliable Kafka configured the container and could undo it",
					"Remove the containerPostProcessor attribute; a reliable container is configured by "
							+ "reliable.kafka.* and spring.kafka.listener.* properties.");
		}
	}

	private static void checkParameter(String listenerId, String setting, MethodParameter parameter) {
		Class<?> type = parameter.getParameterType();
		String shape = null;
		if (ConsumerRecords.class.isAssignableFrom(type)) {
			shape = "a ConsumerRecords parameter, which only a batch listener gets";
		}
		else if (isPayload(parameter) && (Collection.class.isAssignableFrom(type) || isMessageOfCollection(parameter))) {
			shape = "the collection " + parameter.getGenericParameterType().getTypeName()
					+ " as payload, which only a batch listener gets (with one record per call it would receive "
					+ "a single record's value, converted or split at commas)";
		}
		if (shape != null) {
			throw new ReliableKafkaConfigurationException(listenerId, setting,
					"takes " + shape + "; reliable listeners receive one record per call",
					"Take one record: its payload type (e.g. String or Order), ConsumerRecord<K, V> or Message<T>. "
							+ "For a value that is itself a list, take it as String or byte[] and parse it.");
		}
	}

	// Headers are never a batch; every other parameter that is not Kafka plumbing may receive the payload.
	private static boolean isPayload(MethodParameter parameter) {
		return !parameter.hasParameterAnnotation(Header.class) && !parameter.hasParameterAnnotation(Headers.class);
	}

	private static boolean isMessageOfCollection(MethodParameter parameter) {
		Type type = parameter.getGenericParameterType();
		if (type instanceof ParameterizedType parameterized && parameterized.getRawType().equals(Message.class)) {
			Type payload = parameterized.getActualTypeArguments()[0];
			Type raw = (payload instanceof ParameterizedType inner) ? inner.getRawType() : payload;
			return raw instanceof Class<?> payloadClass && Collection.class.isAssignableFrom(payloadClass);
		}
		return false;
	}

	/**
	 * Whether a declared return type, such as {@code Object}, a type variable or an interface that futures
	 * implement, could hold an asynchronous result: Spring Kafka goes by the returned value, not the declaration.
	 */
	private static boolean mayHoldAsync(Class<?> returnType) {
		if (returnType == void.class || returnType.isPrimitive()) {
			return false;
		}
		if (returnType.isAssignableFrom(CompletableFuture.class)) {
			return true;
		}
		ClassLoader loader = ClassUtils.getDefaultClassLoader();
		return ASYNC_TYPE_NAMES.stream()
			.filter(name -> ClassUtils.isPresent(name, loader))
			.anyMatch(name -> returnType.isAssignableFrom(ClassUtils.resolveClassName(name, loader)));
	}

	private static boolean isAsync(Class<?> returnType) {
		if (Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)) {
			return true;
		}
		Set<Class<?>> types = new LinkedHashSet<>(ClassUtils.getAllInterfacesForClassAsSet(returnType));
		for (Class<?> type = returnType; type != null; type = type.getSuperclass()) {
			types.add(type);
		}
		return types.stream().anyMatch(type -> ASYNC_TYPE_NAMES.contains(type.getName()));
	}

}
