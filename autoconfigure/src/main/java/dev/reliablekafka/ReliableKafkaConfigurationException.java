package dev.reliablekafka;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when a reliable listener or the {@code reliable.kafka} properties are configured in a way
 * that cannot work or could lose records. It names the listener, the setting at fault and the fix, so that the
 * application fails before it consumes anything rather than at the first failed record.
 */
public class ReliableKafkaConfigurationException extends RuntimeException {

	private final @Nullable String listenerId;

	private final String setting;

	private final String problem;

	private final String fix;

	/**
	 * Create an exception for one bad setting.
	 * @param listenerId the listener concerned, or {@code null} when the setting is global
	 * @param setting the property or annotation attribute at fault
	 * @param problem what is wrong with it
	 * @param fix what to change
	 */
	public ReliableKafkaConfigurationException(@Nullable String listenerId, String setting, String problem,
			String fix) {
		super(describe(listenerId, setting, problem) + " " + fix);
		this.listenerId = listenerId;
		this.setting = setting;
		this.problem = problem;
		this.fix = fix;
	}

	private static String describe(@Nullable String listenerId, String setting, String problem) {
		String subject = (listenerId != null) ? "Reliable listener '" + listenerId + "'" : "Reliable Kafka";
		return subject + ": " + setting + " " + problem + ".";
	}

	/**
	 * Return the id of the listener concerned.
	 * @return the listener id, or {@code null} for a global setting
	 */
	public @Nullable String getListenerId() {
		return this.listenerId;
	}

	/**
	 * Return the property or annotation attribute at fault.
	 * @return the setting
	 */
	public String getSetting() {
		return this.setting;
	}

	/**
	 * Return what is wrong, without the fix.
	 * @return the description of the problem
	 */
	public String getDescription() {
		return describe(this.listenerId, this.setting, this.problem);
	}

	/**
	 * Return what to change.
	 * @return the fix
	 */
	public String getFix() {
		return this.fix;
	}

}
