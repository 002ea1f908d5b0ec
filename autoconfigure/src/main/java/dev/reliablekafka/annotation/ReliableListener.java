package dev.reliablekafka.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.kafka.annotation.BackOff;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Marks a method as a Kafka listener that never loses a record when processing fails.
 * <p>
 * The method accepts what a {@link KafkaListener @KafkaListener} method accepts: the converted payload,
 * {@code @Payload}, {@code @Header}, the {@code ConsumerRecord} and, with a manual ack mode, the
 * {@code Acknowledgment}. When it throws, the record is routed by the listener's policy: retried in place
 * ({@link ReliableMode#BLOCKING}) or handed to the group's retry path ({@link ReliableMode#RETRY_TOPIC}), and
 * sent to the group's dead-letter topic when it cannot be processed at all.
 * <p>
 * Each setting is taken from {@code reliable.kafka.listeners.<id>.*} if set there, else from what the annotation
 * states explicitly, else from {@code reliable.kafka.defaults.*}, else from the built-in default: a listener can
 * be overridden without a rebuild, and a blanket default never overrides what its annotation says (a listener
 * that says {@code mode = BLOCKING} needs order). An attribute left at its default states nothing; so does a
 * numeric {@link BackOff @BackOff} value equal to {@code @BackOff}'s own default (a {@code delay} of
 * {@value BackOff#DEFAULT_DELAY} ms, a {@code multiplier}, {@code maxDelay} or {@code jitter} of 0): to state
 * such a value, use the {@code *String} variant, e.g. {@code delayString = "1s"}. {@link #notRetryable()} adds
 * to the lists of the properties.
 *
 * <pre class="code">
 * &#64;ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service", mode = ReliableMode.BLOCKING)
 * void onOrder(Order order) { ... }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@KafkaListener(containerFactory = ReliableListener.CONTAINER_FACTORY_BEAN_NAME, idIsGroup = false)
public @interface ReliableListener {

	/**
	 * Name of the listener container factory bean that serves every reliable listener.
	 */
	String CONTAINER_FACTORY_BEAN_NAME = "reliableKafkaListenerContainerFactory";

	/**
	 * Sentinel for {@link #maxAttempts()}: retry until the record succeeds.
	 */
	String UNLIMITED = "-1";

	/**
	 * Unique id of the listener: the key of its {@code reliable.kafka.listeners.<id>} overrides and the id of
	 * its listener container.
	 * @return the listener id
	 */
	@AliasFor(annotation = KafkaListener.class, attribute = "id")
	String id();

	/**
	 * Topics to consume; {@code ${...}} placeholders and SpEL are resolved.
	 * @return the topic names
	 */
	@AliasFor(annotation = KafkaListener.class, attribute = "topics")
	String[] topics();

	/**
	 * Consumer group of the listener; its retry and dead-letter topics are named after it. Empty falls back to
	 * {@code spring.kafka.consumer.group-id}; one of the two is required.
	 * @return the group id
	 */
	@AliasFor(annotation = KafkaListener.class, attribute = "groupId")
	String groupId() default "";

	/**
	 * Number of consumer threads; empty means {@code spring.kafka.listener.concurrency}.
	 * @return the concurrency, or a placeholder
	 */
	@AliasFor(annotation = KafkaListener.class, attribute = "concurrency")
	String concurrency() default "";

	/**
	 * Whether the listener starts with the application context; empty means
	 * {@code spring.kafka.listener.auto-startup}.
	 * @return {@code "true"}, {@code "false"}, or a placeholder
	 */
	@AliasFor(annotation = KafkaListener.class, attribute = "autoStartup")
	String autoStartup() default "";

	/**
	 * Kafka consumer properties for this listener only, as {@code key=value}.
	 * @return the properties
	 */
	@AliasFor(annotation = KafkaListener.class, attribute = "properties")
	String[] properties() default {};

	/**
	 * What happens when processing fails. {@link ReliableMode#DEFAULT} (the default) leaves it to
	 * {@code reliable.kafka.defaults.mode}, else {@link ReliableMode#BLOCKING}.
	 * @return the mode
	 */
	ReliableMode mode() default ReliableMode.DEFAULT;

	/**
	 * Back-off between in-place retries ({@link ReliableMode#BLOCKING}): {@code delay} is the first interval,
	 * {@code multiplier} (default 2) grows it, {@code maxDelay} (default 5 minutes) caps it and {@code jitter}
	 * spreads it. The {@code *String} variants accept placeholders and durations such as {@code 500ms}. A numeric
	 * value equal to {@code @BackOff}'s default ({@value BackOff#DEFAULT_DELAY} ms for {@code delay}, 0 for the
	 * others) counts as not set; a {@code *String} value always counts as set.
	 * @return the back-off
	 */
	BackOff backOff() default @BackOff;

	/**
	 * Deliveries of one record, the first included, before it goes to the dead-letter topic;
	 * {@value #UNLIMITED} (the default) retries until it succeeds. Accepts placeholders.
	 * @return the maximum number of attempts
	 */
	String maxAttempts() default "";

	/**
	 * Delay levels of {@link ReliableMode#RETRY_TOPIC}, shortest first, separated by spaces or commas, e.g.
	 * {@code "1s 5s 10s 30s 1m"}; empty means the RocketMQ levels {@code 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m
	 * 10m 20m 30m 1h 2h}. Accepts placeholders.
	 * @return the delay levels
	 */
	String delayLevels() default "";

	/**
	 * Level, counted from 1, of the first retry in {@link ReliableMode#RETRY_TOPIC}; retry n uses level
	 * {@code firstDelayLevel + n - 1}. Empty means 3 (10 s with the default levels). Accepts placeholders.
	 * @return the first delay level
	 */
	String firstDelayLevel() default "";

	/**
	 * Retries after the first delivery before the record goes to the dead-letter topic in
	 * {@link ReliableMode#RETRY_TOPIC}; empty means 16. Accepts placeholders.
	 * @return the maximum number of retries
	 */
	String maxReconsumeTimes() default "";

	/**
	 * Exceptions that no retry can fix: a record failing with one of them (or caused by one) goes to the
	 * dead-letter topic at once. Added to the built-in list (deserialization and conversion failures).
	 * @return the exception types
	 */
	Class<? extends Throwable>[] notRetryable() default {};

	/**
	 * Whether the listener has an outage breaker ({@code "true"} or {@code "false"}); empty means not set (off by
	 * default). While most of its latest records fail with retryable exceptions, the breaker pauses all its
	 * partitions and keeps the failed record in place, instead of forwarding or dead-lettering every record; the
	 * rest of its settings are {@code reliable.kafka.*.breaker.*} properties. Accepts placeholders.
	 * @return whether the breaker is on
	 */
	String breaker() default "";

}
