package dev.reliablekafka.topics;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

import dev.reliablekafka.ReliableKafkaConfigurationException;

/**
 * Turns the topic name templates of {@code reliable.kafka.topics} into topic names. Templates use
 * {@value #GROUP} for the consumer group, {@value #NAMESPACE} for the application's namespace and
 * {@value #LEVEL} for a delay level, because Kafka topic names cannot hold RocketMQ's {@code %}.
 */
public final class TopicNaming {

	/** Stands for the consumer group id in a template. */
	public static final String GROUP = "<group>";

	/** Stands for the namespace ({@code spring.application.name} by default) in a template. */
	public static final String NAMESPACE = "<namespace>";

	/** Stands for a delay level such as {@code 10s} in a template. */
	public static final String LEVEL = "<level>";

	private final String deadLetterTemplate;

	private final String deadLetterProperty;

	/**
	 * Create the naming.
	 * @param deadLetterTemplate template of the group's dead-letter topic, e.g. {@code dlq.<group>}
	 * @param deadLetterProperty the property the template comes from, for error messages
	 */
	public TopicNaming(String deadLetterTemplate, String deadLetterProperty) {
		this.deadLetterTemplate = deadLetterTemplate;
		this.deadLetterProperty = deadLetterProperty;
	}

	/**
	 * Return the dead-letter topic of a consumer group.
	 * @param listenerId the listener asking, for error messages
	 * @param group the consumer group
	 * @return the validated topic name
	 */
	public String deadLetterTopic(String listenerId, String group) {
		String name = this.deadLetterTemplate.replace(GROUP, group);
		validate(listenerId, name, this.deadLetterProperty + " (" + this.deadLetterTemplate + ")");
		return name;
	}

	/**
	 * Check that a name is a legal Kafka topic name.
	 * @param listenerId the listener concerned, or {@code null}
	 * @param name the topic name
	 * @param setting where the name comes from, for the error message
	 * @throws ReliableKafkaConfigurationException when Kafka would refuse the name
	 */
	public static void validate(String listenerId, String name, String setting) {
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
