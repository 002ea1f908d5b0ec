package dev.reliablekafka.internal.topics;

import java.time.Duration;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.internal.support.DurationText;

/**
 * Turns the topic name templates of {@code reliable.kafka.topics} into topic names. Templates use
 * {@value #GROUP} for the consumer group, {@value #NAMESPACE} for the application's namespace and
 * {@value #LEVEL} for a delay level such as {@code 10s}: RocketMQ's {@code %RETRY%<group>} becomes
 * {@code retry.<group>}, because Kafka topic names cannot hold {@code %}.
 */
public final class TopicNaming {

	/** Stands for the consumer group id in a template. */
	public static final String GROUP = "<group>";

	/** Stands for the namespace ({@code spring.application.name} by default) in a template. */
	public static final String NAMESPACE = "<namespace>";

	/** Stands for a delay level such as {@code 10s} in a template. */
	public static final String LEVEL = "<level>";

	private static final String PREFIX = "reliable.kafka.topics.";

	private final String deadLetterTemplate;

	private final String retryTemplate;

	private final String delayTemplate;

	private final @Nullable String namespace;

	/**
	 * Create the naming.
	 * @param deadLetterTemplate template of a group's dead-letter topic, e.g. {@code dlq.<group>}
	 * @param retryTemplate template of a group's retry topic, e.g. {@code retry.<group>}
	 * @param delayTemplate template of a delay tier topic, e.g. {@code <namespace>.delay.<level>}
	 * @param namespace the namespace of the application's delay tiers, or {@code null} if none is configured
	 */
	public TopicNaming(String deadLetterTemplate, String retryTemplate, String delayTemplate,
			@Nullable String namespace) {
		this.deadLetterTemplate = deadLetterTemplate;
		this.retryTemplate = retryTemplate;
		this.delayTemplate = delayTemplate;
		this.namespace = namespace;
	}

	/**
	 * Return the dead-letter topic of a consumer group.
	 * @param listenerId the listener asking, for error messages
	 * @param group the consumer group
	 * @return the validated topic name
	 */
	public String deadLetterTopic(String listenerId, String group) {
		return fill(listenerId, this.deadLetterTemplate, "dead-letter", group, null);
	}

	/**
	 * Return the retry topic of a consumer group.
	 * @param listenerId the listener asking, for error messages
	 * @param group the consumer group
	 * @return the validated topic name
	 */
	public String retryTopic(String listenerId, String group) {
		requirePlaceholder(listenerId, this.retryTemplate, "retry", GROUP,
				"each group consumes its own retry topic, so the name must hold " + GROUP);
		return fill(listenerId, this.retryTemplate, "retry", group, null);
	}

	/**
	 * Return the retry topic of a consumer group named in a record header.
	 * @param group the consumer group
	 * @return the topic name
	 */
	public String retryTopic(String group) {
		return this.retryTemplate.replace(GROUP, group);
	}

	/**
	 * Return the delay tier topic of a delay.
	 * @param listenerId the listener asking, for error messages
	 * @param delay the delay
	 * @return the validated topic name
	 */
	public String delayTopic(String listenerId, Duration delay) {
		requirePlaceholder(listenerId, this.delayTemplate, "delay", LEVEL,
				"each delay level needs its own topic, so the name must hold " + LEVEL);
		return fill(listenerId, this.delayTemplate, "delay", null, DurationText.level(delay));
	}

	/**
	 * Return the namespace of the delay tiers.
	 * @param listenerId the listener asking, for error messages
	 * @return the namespace
	 */
	public String namespace(String listenerId) {
		if (this.namespace == null || this.namespace.isBlank()) {
			throw new ReliableKafkaConfigurationException(listenerId, PREFIX + "namespace",
					"is not set and neither is spring.application.name",
					"Set spring.application.name (or " + PREFIX + "namespace): delay tier topics are named after it.");
		}
		return this.namespace;
	}

	private String fill(String listenerId, String template, String property, @Nullable String group,
			@Nullable String level) {
		String name = template;
		if (group != null) {
			name = name.replace(GROUP, group);
		}
		if (level != null) {
			name = name.replace(LEVEL, level);
		}
		if (name.contains(NAMESPACE)) {
			name = name.replace(NAMESPACE, namespace(listenerId));
		}
		validate(listenerId, name, PREFIX + property + " (" + template + ")");
		return name;
	}

	private static void requirePlaceholder(String listenerId, String template, String property, String placeholder,
			String why) {
		if (!template.contains(placeholder)) {
			throw new ReliableKafkaConfigurationException(listenerId, PREFIX + property + " (" + template + ")",
					"has no " + placeholder, "Put " + placeholder + " in the template: " + why + ".");
		}
	}

	/**
	 * Check that a name is a legal Kafka topic name.
	 * @param listenerId the listener concerned, or {@code null}
	 * @param name the topic name
	 * @param setting where the name comes from, for the error message
	 * @throws ReliableKafkaConfigurationException when Kafka would refuse the name
	 */
	public static void validate(@Nullable String listenerId, String name, String setting) {
		try {
			Topic.validate(name);
		}
		catch (InvalidTopicException ex) {
			throw new ReliableKafkaConfigurationException(listenerId, setting,
					"gives the illegal topic name '" + name + "' (" + ex.getMessage() + ")",
					"Kafka topic names use only letters, digits, '.', '_' and '-', at most 249 characters; "
							+ "change the name or the group id it is built from.");
		}
	}

}
