package dev.reliablekafka.internal.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.kafka.listener.ExceptionClassifier;

import dev.reliablekafka.ListenerSettings;
import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.declaration.ListenerDeclaration;
import dev.reliablekafka.internal.support.DurationText;
import dev.reliablekafka.internal.topics.TopicNaming;

/**
 * Resolves a {@link ListenerDeclaration} into a {@link ListenerPolicy}: each setting is taken from
 * {@code reliable.kafka.listeners.<id>}, else what the annotation states explicitly, else
 * {@code reliable.kafka.defaults}, else the built-in default, so that a blanket default never overrides what a
 * listener declares (an annotation that says {@code mode = BLOCKING} needs order). Not-retryable exceptions add
 * up from every source. The result is validated and every rejection names the source of the bad value.
 */
public final class ListenerPolicyResolver {

	static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofSeconds(1);

	static final double DEFAULT_MULTIPLIER = 2.0;

	static final Duration DEFAULT_MAX_INTERVAL = Duration.ofMinutes(5);

	static final List<Duration> DEFAULT_DELAY_LEVELS = Stream
		.of("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h".split(" "))
		.map(level -> DurationStyle.SIMPLE.parse(level))
		.toList();

	static final int DEFAULT_FIRST_DELAY_LEVEL = 3;

	static final int DEFAULT_MAX_RECONSUME_TIMES = 16;

	private static final String PREFIX = "reliable.kafka.";

	/** Origin of a value the annotation states explicitly. */
	static final String ANNOTATION = "annotation";

	/** Origin of a value from {@code reliable.kafka.defaults}. */
	static final String DEFAULTS = "defaults";

	/** Origin of a built-in default. */
	static final String BUILT_IN = "built-in";

	private final ListenerSettings defaults;

	private final Map<String, ListenerSettings> listeners;

	private final @Nullable String defaultGroupId;

	private final TopicNaming naming;

	/**
	 * Create a resolver.
	 * @param defaults the bound {@code reliable.kafka.defaults}
	 * @param listeners the bound {@code reliable.kafka.listeners}
	 * @param defaultGroupId {@code spring.kafka.consumer.group-id}, if set
	 * @param naming the topic naming
	 */
	public ListenerPolicyResolver(ListenerSettings defaults, Map<String, ListenerSettings> listeners,
			@Nullable String defaultGroupId, TopicNaming naming) {
		this.defaults = defaults;
		this.listeners = listeners;
		this.defaultGroupId = defaultGroupId;
		this.naming = naming;
	}

	/**
	 * Resolve and validate the policy of one listener.
	 * @param declaration what the annotation declares
	 * @return the policy
	 * @throws ReliableKafkaConfigurationException when a setting is invalid
	 */
	public ListenerPolicy resolve(ListenerDeclaration declaration) {
		Sources sources = new Sources(declaration);
		String id = declaration.id();
		List<String> topics = topics(declaration);
		String group = group(declaration);
		Resolved<ReliableMode> mode = sources.pick("mode", ListenerSettings::getMode, declaration.mode(), "mode",
				ReliableMode.BLOCKING);
		if (mode.value() == ReliableMode.DEFAULT) {
			throw invalid(id, mode, "DEFAULT only stands for 'not set' on the annotation",
					"Use BLOCKING or RETRY_TOPIC, or remove the property.");
		}
		BlockingPolicy blocking = blocking(sources);
		Resolved<Boolean> deadLetterEnabled = sources.pick("dead-letter.enabled",
				settings -> settings.getDeadLetter().getEnabled(), null, null, Boolean.TRUE);
		if (!deadLetterEnabled.value() && blocking.maxAttempts() != BlockingPolicy.UNLIMITED) {
			throw new ReliableKafkaConfigurationException(id, maxAttempts(sources).origin(),
					"is " + blocking.maxAttempts() + " while dead-lettering is disabled by "
							+ deadLetterEnabled.origin() + ": a record that used all its attempts would be lost",
					"Enable the dead-letter topic, or set max-attempts to -1 to retry until the record succeeds.");
		}
		String deadLetterTopic = deadLetterEnabled.value() ? this.naming.deadLetterTopic(id, group) : null;
		RetryTopicPolicy retryTopic = null;
		if (mode.value() == ReliableMode.RETRY_TOPIC) {
			if (!deadLetterEnabled.value()) {
				throw new ReliableKafkaConfigurationException(id, deadLetterEnabled.origin(),
						"is false while the mode is RETRY_TOPIC (from " + mode.origin() + "), whose last retry "
								+ "ends in the dead-letter topic",
						"Enable the dead-letter topic, or use BLOCKING with unlimited attempts.");
			}
			retryTopic = retryTopic(sources, group);
		}
		BreakerPolicy breaker = breaker(sources);
		return new ListenerPolicy(id, group, topics, mode.value(), blocking, deadLetterTopic, retryTopic,
				notRetryable(declaration, sources), (retryTopic != null) ? retryTopic.retryTopic()
						: groupRetryTopic(id, group),
				Collections.unmodifiableMap(new LinkedHashMap<>(sources.origins)), breaker);
	}

	// A BLOCKING group may hold records in its retry topic from a time it was RETRY_TOPIC; none under a template
	// that cannot name one.
	private @Nullable String groupRetryTopic(String id, String group) {
		try {
			return this.naming.retryTopic(id, group);
		}
		catch (ReliableKafkaConfigurationException ex) {
			return null;
		}
	}

	/**
	 * Reject {@code reliable.kafka.listeners.<id>} entries that match no listener: they would silently do
	 * nothing.
	 * @param declarations every declared listener
	 */
	public void checkOverridesMatch(List<ListenerDeclaration> declarations) {
		Set<String> ids = new LinkedHashSet<>();
		declarations.forEach(declaration -> ids.add(declaration.id()));
		for (String key : this.listeners.keySet()) {
			if (!ids.contains(key)) {
				throw new ReliableKafkaConfigurationException(null, PREFIX + "listeners." + key,
						"matches no @ReliableListener (the ids are " + ids + ")",
						"Use the id of a @ReliableListener method, or remove the entry.");
			}
		}
	}

	private List<String> topics(ListenerDeclaration declaration) {
		if (declaration.topics().isEmpty()) {
			throw new ReliableKafkaConfigurationException(declaration.id(), declaration.attribute("topics"),
					"names no topic", "List the topics the listener consumes.");
		}
		declaration.topics()
			.forEach(topic -> TopicNaming.validate(declaration.id(), topic, declaration.attribute("topics")));
		return declaration.topics();
	}

	private String group(ListenerDeclaration declaration) {
		String group = (declaration.groupId() != null) ? declaration.groupId() : this.defaultGroupId;
		if (group == null || group.isBlank()) {
			throw new ReliableKafkaConfigurationException(declaration.id(), declaration.attribute("groupId"),
					"is empty and spring.kafka.consumer.group-id is not set",
					"Set groupId on the annotation or spring.kafka.consumer.group-id: the group's retry and "
							+ "dead-letter topics are named after it.");
		}
		return group;
	}

	private BlockingPolicy blocking(Sources sources) {
		ListenerDeclaration declaration = sources.declaration;
		Resolved<Duration> initial = sources.pick("blocking.initial-interval",
				settings -> settings.getBlocking().getInitialInterval(), declaration.initialInterval(),
				"backOff.delay", DEFAULT_INITIAL_INTERVAL);
		Resolved<Double> multiplier = sources.pick("blocking.multiplier",
				settings -> settings.getBlocking().getMultiplier(), declaration.multiplier(), "backOff.multiplier",
				DEFAULT_MULTIPLIER);
		Resolved<Duration> max = sources.pick("blocking.max-interval",
				settings -> settings.getBlocking().getMaxInterval(), declaration.maxInterval(), "backOff.maxDelay",
				DEFAULT_MAX_INTERVAL);
		Resolved<Duration> jitter = sources.pick("blocking.jitter", settings -> settings.getBlocking().getJitter(),
				declaration.jitter(), "backOff.jitter", Duration.ZERO);
		Resolved<Integer> attempts = maxAttempts(sources);
		String id = declaration.id();
		if (initial.value().isNegative()) {
			throw invalid(id, initial, "must not be negative", "Use a wait such as 1s.");
		}
		if (multiplier.value() < 1.0) {
			throw invalid(id, multiplier, "must be at least 1",
					"Use 1 for a fixed wait or more to grow it (2 doubles it after every retry).");
		}
		if (max.value().compareTo(initial.value()) < 0) {
			throw invalid(id, max, "is shorter than the initial interval " + DurationText.of(initial.value())
					+ " from " + initial.origin(), "Make the maximum interval at least as long as the initial interval.");
		}
		if (jitter.value().isNegative()) {
			throw invalid(id, jitter, "must not be negative", "Use 0 for no jitter, or a spread such as 100ms.");
		}
		if (attempts.value() != BlockingPolicy.UNLIMITED && attempts.value() < 1) {
			throw invalid(id, attempts, "must be at least 1, or -1 for unlimited",
					"Count the first delivery too: 3 means the first delivery and two retries.");
		}
		return new BlockingPolicy(initial.value(), multiplier.value(), max.value(), jitter.value(),
				attempts.value());
	}

	private RetryTopicPolicy retryTopic(Sources sources, String group) {
		ListenerDeclaration declaration = sources.declaration;
		String id = declaration.id();
		Resolved<List<Duration>> levels = sources.pick("retry-topic.delay-levels",
				settings -> settings.getRetryTopic().getDelayLevels(), declaration.delayLevels(), "delayLevels",
				DEFAULT_DELAY_LEVELS);
		Resolved<Integer> first = sources.pick("retry-topic.first-delay-level",
				settings -> settings.getRetryTopic().getFirstDelayLevel(), declaration.firstDelayLevel(),
				"firstDelayLevel", DEFAULT_FIRST_DELAY_LEVEL);
		Resolved<Integer> max = sources.pick("retry-topic.max-reconsume-times",
				settings -> settings.getRetryTopic().getMaxReconsumeTimes(), declaration.maxReconsumeTimes(),
				"maxReconsumeTimes", DEFAULT_MAX_RECONSUME_TIMES);
		if (levels.value().isEmpty()) {
			throw invalid(id, levels, "names no level", "List delays such as 1s 5s 10s.");
		}
		Duration previous = Duration.ZERO;
		for (Duration level : levels.value()) {
			if (level.compareTo(previous) <= 0) {
				throw invalid(id, levels, "must be positive and strictly increasing (" + DurationText.of(level)
						+ " follows " + DurationText.of(previous) + ")",
						"List the delays shortest first, without repeats.");
			}
			previous = level;
		}
		if (first.value() < 1 || first.value() > levels.value().size()) {
			throw invalid(id, first, "is beyond the " + levels.value().size() + " delay levels of "
					+ levels.origin(), "Use a level from 1 to " + levels.value().size() + ".");
		}
		if (max.value() < 1) {
			throw invalid(id, max, "must be at least 1",
					"Set how many retries a record gets before the dead-letter topic.");
		}
		List<DelayLevel> delayLevels = levels.value()
			.stream()
			.map(delay -> new DelayLevel(delay, this.naming.delayTopic(id, delay)))
			.toList();
		return new RetryTopicPolicy(this.naming.retryTopic(id, group), delayLevels, first.value(), max.value());
	}

	/**
	 * Resolve the outage breaker; its settings are validated even while it is off, so that a mistake shows before
	 * it is turned on, but have origins only when it is on.
	 */
	private BreakerPolicy breaker(Sources sources) {
		String id = sources.declaration.id();
		BreakerPolicy builtIn = BreakerPolicy.DISABLED;
		Resolved<Boolean> enabled = sources.pick("breaker.enabled", settings -> settings.getBreaker().getEnabled(),
				sources.declaration.breakerEnabled(), "breaker", builtIn.enabled());
		Resolved<Integer> window = sources.pick("breaker.window", settings -> settings.getBreaker().getWindow(), null,
				null, builtIn.window());
		Resolved<Double> rate = sources.pick("breaker.failure-rate",
				settings -> settings.getBreaker().getFailureRate(), null, null, builtIn.failureRate());
		Resolved<Integer> minFailures = sources.pick("breaker.min-failures",
				settings -> settings.getBreaker().getMinFailures(), null, null, builtIn.minFailures());
		Resolved<Duration> wait = sources.pick("breaker.wait", settings -> settings.getBreaker().getWait(), null,
				null, builtIn.firstWait());
		Resolved<Double> multiplier = sources.pick("breaker.wait-multiplier",
				settings -> settings.getBreaker().getWaitMultiplier(), null, null, builtIn.waitMultiplier());
		Resolved<Duration> maxWait = sources.pick("breaker.max-wait", settings -> settings.getBreaker().getMaxWait(),
				null, null, builtIn.maxWait());
		Resolved<List<Class<? extends Throwable>>> outage = sources.pick("breaker.outage-exceptions",
				settings -> settings.getBreaker().getOutageExceptions(), null, null, builtIn.outageExceptions());
		if (window.value() < 1) {
			throw invalid(id, window, "must be at least 1", "Look at the latest outcomes, e.g. 50.");
		}
		if (!(rate.value() > 0.0 && rate.value() <= 1.0)) {
			throw invalid(id, rate, "must be above 0 and at most 1",
					"Use the share of failures that means an outage, e.g. 0.8 for 80 %.");
		}
		if (minFailures.value() < 1 || minFailures.value() > window.value()) {
			throw invalid(id, minFailures, "must be from 1 to the window's " + window.value() + " (from "
					+ window.origin() + ")", "Use fewer failures than the window holds outcomes, e.g. 10 of 50.");
		}
		if (wait.value().isNegative() || wait.value().isZero()) {
			throw invalid(id, wait, "must be positive", "Use a wait such as 5s.");
		}
		if (multiplier.value() < 1.0) {
			throw invalid(id, multiplier, "must be at least 1",
					"Use 1 for a fixed wait or more to grow it (2 doubles it after every failed try).");
		}
		if (maxWait.value().compareTo(wait.value()) < 0) {
			throw invalid(id, maxWait, "is shorter than the wait " + DurationText.of(wait.value()) + " from "
					+ wait.origin(), "Make the maximum wait at least as long as the wait.");
		}
		if (!enabled.value()) {
			sources.origins.keySet().removeIf(property -> property.startsWith("breaker."));
			return builtIn;
		}
		return new BreakerPolicy(true, window.value(), rate.value(), minFailures.value(), wait.value(),
				multiplier.value(), maxWait.value(), List.copyOf(outage.value()));
	}

	private Resolved<Integer> maxAttempts(Sources sources) {
		return sources.pick("blocking.max-attempts", settings -> settings.getBlocking().getMaxAttempts(),
				sources.declaration.maxAttempts(), "maxAttempts", BlockingPolicy.UNLIMITED);
	}

	private List<Class<? extends Throwable>> notRetryable(ListenerDeclaration declaration, Sources sources) {
		Set<Class<? extends Throwable>> types = new LinkedHashSet<>(ExceptionClassifier.defaultFatalExceptionsList());
		List<String> origins = new ArrayList<>(List.of(BUILT_IN));
		if (types.addAll(declaration.notRetryable())) {
			origins.add(ANNOTATION);
		}
		if (types.addAll(this.defaults.getNotRetryableExceptions())) {
			origins.add(DEFAULTS);
		}
		ListenerSettings own = this.listeners.get(declaration.id());
		if (own != null && types.addAll(own.getNotRetryableExceptions())) {
			origins.add(sources.listenerSource());
		}
		// They add up: every source that contributed a type, lowest precedence first.
		sources.origins.put("not-retryable-exceptions", String.join(",", origins));
		return List.copyOf(new ArrayList<>(types));
	}

	private static ReliableKafkaConfigurationException invalid(String id, Resolved<?> setting, String problem,
			String fix) {
		return new ReliableKafkaConfigurationException(id, setting.origin(),
				"is " + DurationText.of(setting.value()) + " but " + problem, fix);
	}

	/**
	 * A resolved value and the place it came from.
	 *
	 * @param value the value
	 * @param origin the property or attribute it came from, for error messages
	 */
	record Resolved<T>(T value, String origin) {
	}

	/** The sources of one listener's settings, in order of precedence. */
	private final class Sources {

		private final ListenerDeclaration declaration;

		private final @Nullable ListenerSettings own;

		// Where each resolved setting came from, by property name, in the order they were resolved.
		private final Map<String, String> origins = new LinkedHashMap<>();

		Sources(ListenerDeclaration declaration) {
			this.declaration = declaration;
			this.own = ListenerPolicyResolver.this.listeners.get(declaration.id());
		}

		<T> Resolved<T> pick(String property, Function<ListenerSettings, @Nullable T> getter,
				@Nullable T annotationValue, @Nullable String attribute, T builtIn) {
			if (this.own != null && getter.apply(this.own) != null) {
				this.origins.put(property, listenerSource());
				return new Resolved<>(getter.apply(this.own), origin(property));
			}
			if (annotationValue != null && attribute != null) {
				this.origins.put(property, ANNOTATION);
				return new Resolved<>(annotationValue, this.declaration.attribute(attribute));
			}
			T fromDefaults = getter.apply(ListenerPolicyResolver.this.defaults);
			if (fromDefaults != null) {
				this.origins.put(property, DEFAULTS);
				return new Resolved<>(fromDefaults, PREFIX + "defaults." + property);
			}
			this.origins.put(property, BUILT_IN);
			return new Resolved<>(builtIn, "the built-in default of " + property);
		}

		String origin(String property) {
			return PREFIX + "listeners." + this.declaration.id() + "." + property;
		}

		String listenerSource() {
			return "listeners." + this.declaration.id();
		}

	}

}
