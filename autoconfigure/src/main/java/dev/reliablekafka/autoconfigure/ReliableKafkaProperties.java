package dev.reliablekafka.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import dev.reliablekafka.ListenerSettings;

/**
 * Configuration properties of Reliable Kafka, under {@code reliable.kafka}.
 */
@ConfigurationProperties("reliable.kafka")
public class ReliableKafkaProperties {

	/**
	 * Settings of every reliable listener that neither its @ReliableListener annotation states explicitly nor
	 * reliable.kafka.listeners.<id> sets; they win over the built-in defaults only.
	 */
	@NestedConfigurationProperty
	private final ListenerSettings defaults = new ListenerSettings();

	/**
	 * Settings of one reliable listener, keyed by its @ReliableListener id; they win over its annotation and
	 * the defaults.
	 */
	private final Map<String, ListenerSettings> listeners = new LinkedHashMap<>();

	/**
	 * Topics that failed records are forwarded to.
	 */
	private final Topics topics = new Topics();

	/**
	 * How long to wait for the broker to acknowledge a record forwarded to another topic before the forward counts
	 * as failed and the record stays in place.
	 */
	private Duration forwardTimeout = Duration.ofSeconds(30);

	/**
	 * The reliableKafka health contributor.
	 */
	private final Health health = new Health();

	/**
	 * Reliable Kafka's meters.
	 */
	private final Metrics metrics = new Metrics();

	/**
	 * Browsing and redriving dead-letter records.
	 */
	private final Redrive redrive = new Redrive();

	public ListenerSettings getDefaults() {
		return this.defaults;
	}

	public Map<String, ListenerSettings> getListeners() {
		return this.listeners;
	}

	public Topics getTopics() {
		return this.topics;
	}

	public Duration getForwardTimeout() {
		return this.forwardTimeout;
	}

	public void setForwardTimeout(Duration forwardTimeout) {
		this.forwardTimeout = forwardTimeout;
	}

	public Health getHealth() {
		return this.health;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * The reliableKafka health contributor.
	 */
	public static class Health {

		/**
		 * How long the forwards of a listener may fail without a success in between before its health is DOWN.
		 */
		private Duration forwardFailureThreshold = Duration.ofMinutes(1);

		public Duration getForwardFailureThreshold() {
			return this.forwardFailureThreshold;
		}

		public void setForwardFailureThreshold(Duration forwardFailureThreshold) {
			this.forwardFailureThreshold = forwardFailureThreshold;
		}

	}

	/**
	 * Reliable Kafka's meters.
	 */
	public static class Metrics {

		/**
		 * How long the records waiting in the delay tier, retry and dead-letter topics are reused before they are
		 * read from the broker again.
		 */
		private Duration topicDepthRefresh = Duration.ofSeconds(5);

		public Duration getTopicDepthRefresh() {
			return this.topicDepthRefresh;
		}

		public void setTopicDepthRefresh(Duration topicDepthRefresh) {
			this.topicDepthRefresh = topicDepthRefresh;
		}

	}

	public Redrive getRedrive() {
		return this.redrive;
	}

	/**
	 * Names and provisioning of the topics Reliable Kafka writes to.
	 */
	public static class Topics {

		/**
		 * Name of a consumer group's dead-letter topic; <group> stands for the group id.
		 */
		private String deadLetter = "dlq.<group>";

		/**
		 * Name of a consumer group's retry topic, which the group's RETRY_TOPIC listeners also consume; <group>
		 * stands for the group id.
		 */
		private String retry = "retry.<group>";

		/**
		 * Name of a delay tier topic, where records wait for their next retry; <namespace> stands for the
		 * namespace, <level> for a delay such as 10s. Tiers are shared by every group of the application.
		 */
		private String delay = "<namespace>.delay.<level>";

		/**
		 * Namespace of the application's delay tiers and scheduler; defaults to spring.application.name.
		 */
		private @Nullable String namespace;

		/**
		 * Consumer group of the delay tier scheduler, shared by all instances of the application.
		 */
		private String schedulerGroup = "<namespace>.delay-scheduler";

		/**
		 * Whether missing dead-letter, retry and delay tier topics are created at start-up. When false, start-up
		 * fails if one is missing, unless verify is false.
		 */
		private boolean create = true;

		/**
		 * Whether start-up checks, when create is false, that every topic exists; false skips the existence check,
		 * e.g. when the principal may not describe topics.
		 */
		private boolean verify = true;

		/**
		 * Retention of a created dead-letter topic; the broker's default when unset.
		 */
		private @Nullable Duration deadLetterRetention;

		/**
		 * Partitions of a created topic; the broker's num.partitions when unset.
		 */
		private @Nullable Integer partitions;

		/**
		 * Replication factor of a created topic; the broker's default.replication.factor when unset.
		 */
		private @Nullable Short replicationFactor;

		/**
		 * How long start-up waits for the broker to list and create topics.
		 */
		private Duration provisioningTimeout = Duration.ofSeconds(30);

		/**
		 * How long due delay tier records wait for a retry or dead-letter topic that is missing or refuses writes
		 * (being recreated, ACLs being fixed) before they move on: to the dead-letter topic, then to the parking
		 * topic <namespace>.delay.parked. The records behind them in their tier partition wait too; 0 moves on at
		 * once.
		 */
		private Duration unavailablePatience = Duration.ofMinutes(5);

		public String getDeadLetter() {
			return this.deadLetter;
		}

		public void setDeadLetter(String deadLetter) {
			this.deadLetter = deadLetter;
		}

		public String getRetry() {
			return this.retry;
		}

		public void setRetry(String retry) {
			this.retry = retry;
		}

		public String getDelay() {
			return this.delay;
		}

		public void setDelay(String delay) {
			this.delay = delay;
		}

		public @Nullable String getNamespace() {
			return this.namespace;
		}

		public void setNamespace(@Nullable String namespace) {
			this.namespace = namespace;
		}

		public String getSchedulerGroup() {
			return this.schedulerGroup;
		}

		public void setSchedulerGroup(String schedulerGroup) {
			this.schedulerGroup = schedulerGroup;
		}

		public boolean isCreate() {
			return this.create;
		}

		public void setCreate(boolean create) {
			this.create = create;
		}

		public boolean isVerify() {
			return this.verify;
		}

		public void setVerify(boolean verify) {
			this.verify = verify;
		}

		public @Nullable Duration getDeadLetterRetention() {
			return this.deadLetterRetention;
		}

		public void setDeadLetterRetention(@Nullable Duration deadLetterRetention) {
			this.deadLetterRetention = deadLetterRetention;
		}

		public @Nullable Integer getPartitions() {
			return this.partitions;
		}

		public void setPartitions(@Nullable Integer partitions) {
			this.partitions = partitions;
		}

		public @Nullable Short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(@Nullable Short replicationFactor) {
			this.replicationFactor = replicationFactor;
		}

		public Duration getProvisioningTimeout() {
			return this.provisioningTimeout;
		}

		public void setProvisioningTimeout(Duration provisioningTimeout) {
			this.provisioningTimeout = provisioningTimeout;
		}

		public Duration getUnavailablePatience() {
			return this.unavailablePatience;
		}

		public void setUnavailablePatience(Duration unavailablePatience) {
			this.unavailablePatience = unavailablePatience;
		}

	}

	/**
	 * Browsing and redriving dead-letter records, from code or the reliablekafka actuator endpoint.
	 */
	public static class Redrive {

		/**
		 * Whether the reliablekafka actuator endpoint may redrive records; when false it only browses and answers
		 * dry runs.
		 */
		private boolean enabled;

		/**
		 * How many times a record may be redriven; a record redriven that often that is dead-lettered again is
		 * refused by later redrives (the loop guard).
		 */
		private int maxRedrives = 3;

		/**
		 * Records per second a redrive moves at most, unless its request gives a rate.
		 */
		private double rate = 100;

		/**
		 * Consumer group whose committed offsets remember what the redrives of a group moved; <group> stands for
		 * the group id.
		 */
		private String group = "<group>.redrive";

		/**
		 * Bytes of a key or value shown when browsing dead-letter records.
		 */
		private int previewBytes = 256;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxRedrives() {
			return this.maxRedrives;
		}

		public void setMaxRedrives(int maxRedrives) {
			this.maxRedrives = maxRedrives;
		}

		public double getRate() {
			return this.rate;
		}

		public void setRate(double rate) {
			this.rate = rate;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
			this.group = group;
		}

		public int getPreviewBytes() {
			return this.previewBytes;
		}

		public void setPreviewBytes(int previewBytes) {
			this.previewBytes = previewBytes;
		}

	}

}
