package dev.reliablekafka.internal.retrytopic;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.reliablekafka.internal.topics.TopicNaming;

/**
 * The delay tiers of one namespace, whatever levels any configuration, past or present, gave them: the scheduler
 * consumes every existing topic the pattern matches, so that records parked under other delay levels are still
 * handed over after the configuration changed. Also names the namespace's parking topic, which the pattern does
 * not match.
 */
public final class DelayTiers {

	/** What a level looks like in a tier name: {@code 200ms}, {@code 10s}, {@code 1m}, {@code 2h}. */
	private static final String LEVEL_PATTERN = "[0-9]+(?:ms|s|m|h)";

	/** Stands for the level in the name of the parking topic. */
	private static final String PARKED = "parked";

	private final String template;

	private final String namespace;

	private DelayTiers(String template, String namespace) {
		this.template = template;
		this.namespace = namespace;
	}

	/**
	 * Return the delay tiers of a namespace.
	 * @param template the delay tier template, e.g. {@code <namespace>.delay.<level>}
	 * @param namespace the namespace, or {@code null} if none is configured
	 * @return the tiers, or {@code null} when the template needs a namespace and there is none, or has no level
	 */
	public static @Nullable DelayTiers of(String template, @Nullable String namespace) {
		boolean needsNamespace = template.contains(TopicNaming.NAMESPACE);
		if (!template.contains(TopicNaming.LEVEL)
				|| (needsNamespace && (namespace == null || namespace.isBlank()))) {
			return null;
		}
		return new DelayTiers(template, (namespace != null) ? namespace : "");
	}

	/**
	 * Return the pattern that matches every delay tier of the namespace and nothing else.
	 * @return the pattern
	 */
	public Pattern pattern() {
		String[] parts = this.template.split(Pattern.quote(TopicNaming.LEVEL), -1);
		StringBuilder regex = new StringBuilder();
		for (int i = 0; i < parts.length; i++) {
			if (i > 0) {
				regex.append(LEVEL_PATTERN);
			}
			String part = parts[i].replace(TopicNaming.NAMESPACE, this.namespace);
			if (!part.isEmpty()) {
				regex.append(Pattern.quote(part));
			}
		}
		return Pattern.compile(regex.toString());
	}

	/**
	 * Return the topic of the namespace for tier records that can be handed over nowhere else, e.g.
	 * {@code order-app.delay.parked}.
	 * @return the topic name
	 */
	public String parkingTopic() {
		return this.template.replace(TopicNaming.LEVEL, PARKED).replace(TopicNaming.NAMESPACE, this.namespace);
	}

}
