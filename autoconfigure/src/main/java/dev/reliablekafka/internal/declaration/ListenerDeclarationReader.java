package dev.reliablekafka.internal.declaration;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.kafka.annotation.BackOff;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;

/**
 * Reads a {@link ReliableListener} into a {@link ListenerDeclaration}: rejects method signatures that cannot be
 * served safely ({@link ListenerSignatureCheck}), resolves {@code ${...}} placeholders and SpEL, parses numbers
 * and durations, and reports unparsable values with the attribute at fault.
 */
final class ListenerDeclarationReader {

	private final ConfigurableListableBeanFactory beanFactory;

	private final @Nullable BeanExpressionResolver expressionResolver;

	private final BeanExpressionContext expressionContext;

	ListenerDeclarationReader(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
		this.expressionResolver = beanFactory.getBeanExpressionResolver();
		this.expressionContext = new BeanExpressionContext(beanFactory, null);
	}

	ListenerDeclaration read(ReliableListener annotation, Method method) {
		String where = ClassUtils.getUserClass(method.getDeclaringClass()).getSimpleName() + "." + method.getName();
		String id = resolve(annotation.id());
		if (!StringUtils.hasText(id)) {
			throw new ReliableKafkaConfigurationException(null, "@ReliableListener(id) on " + where, "is empty",
					"Give the listener a unique id: it keys its reliable.kafka.listeners.<id> overrides.");
		}
		ListenerSignatureCheck.check(id, where, method);
		Attributes attributes = new Attributes(id, where);
		List<String> topics = new ArrayList<>();
		Arrays.stream(annotation.topics()).forEach(topic -> addTopics(evaluate(topic), topics));
		String groupId = resolve(annotation.groupId());
		BackOff backOff = annotation.backOff();
		return new ListenerDeclaration(id, where, List.copyOf(topics), StringUtils.hasText(groupId) ? groupId : null,
				(annotation.mode() != ReliableMode.DEFAULT) ? annotation.mode() : null,
				// @BackOff() reads as delay = 1000 whether or not it was written: only delayString states 1 s.
				attributes.duration("backOff.delay", backOff.delayString(),
						(backOff.delay() != BackOff.DEFAULT_DELAY) ? backOff.delay() : 0),
				attributes.parse("backOff.multiplier", backOff.multiplierString(), backOff.multiplier(),
						Double::valueOf),
				attributes.duration("backOff.maxDelay", backOff.maxDelayString(), backOff.maxDelay()),
				attributes.duration("backOff.jitter", backOff.jitterString(), backOff.jitter()),
				attributes.parse("maxAttempts", annotation.maxAttempts(), 0, Integer::valueOf),
				attributes.parse("delayLevels", annotation.delayLevels(), 0, ListenerDeclarationReader::durations),
				attributes.parse("firstDelayLevel", annotation.firstDelayLevel(), 0, Integer::valueOf),
				attributes.parse("maxReconsumeTimes", annotation.maxReconsumeTimes(), 0, Integer::valueOf),
				List.of(annotation.notRetryable()), attributes.parse("breaker", annotation.breaker(), 0,
						ListenerDeclarationReader::bool));
	}

	private static Boolean bool(String text) {
		if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
			throw new IllegalArgumentException(text);
		}
		return Boolean.valueOf(text);
	}

	private static List<Duration> durations(String text) {
		return Arrays.stream(text.split("[\\s,]+"))
			.filter(StringUtils::hasText)
			.map(value -> DurationStyle.detectAndParse(value, ChronoUnit.MILLIS))
			.toList();
	}

	private String resolve(String value) {
		Object evaluated = evaluate(value);
		return (evaluated != null) ? evaluated.toString() : "";
	}

	private @Nullable Object evaluate(String value) {
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		if (resolved != null && this.expressionResolver != null && resolved.startsWith("#{")) {
			return this.expressionResolver.evaluate(resolved, this.expressionContext);
		}
		return resolved;
	}

	// SpEL may give one topic, an array or a collection of them, as for @KafkaListener.
	private static void addTopics(@Nullable Object value, List<String> topics) {
		if (value instanceof Object[] array) {
			Arrays.stream(array).forEach(element -> addTopics(element, topics));
		}
		else if (value instanceof Iterable<?> iterable) {
			iterable.forEach(element -> addTopics(element, topics));
		}
		else if (value != null && StringUtils.hasText(value.toString())) {
			topics.add(value.toString());
		}
	}

	/** Parses the attributes of one listener; an empty string or a numeric value of 0 means "not set". */
	private final class Attributes {

		private final String id;

		private final String where;

		Attributes(String id, String where) {
			this.id = id;
			this.where = where;
		}

		@Nullable Duration duration(String name, String text, long millis) {
			return parse(name, text, millis, value -> DurationStyle.detectAndParse(value, ChronoUnit.MILLIS),
					number -> Duration.ofMillis(number.longValue()));
		}

		<T> @Nullable T parse(String name, String text, Number number, Function<String, T> parser) {
			return parse(name, text, number, parser, value -> parser.apply(value.toString()));
		}

		private <T> @Nullable T parse(String name, String text, Number number, Function<String, T> parser,
				Function<Number, T> fromNumber) {
			String value = resolve(text).trim();
			if (value.isEmpty()) {
				return (number.doubleValue() != 0) ? fromNumber.apply(number) : null;
			}
			try {
				return parser.apply(value);
			}
			catch (RuntimeException ex) {
				throw new ReliableKafkaConfigurationException(this.id,
						"@ReliableListener(" + name + ") on " + this.where, "has the unparsable value '" + value + "'",
						"Use a number, or for a duration a value such as 500ms, 10s or PT1M.");
			}
		}

	}

}
