package dev.reliablekafka.internal.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.record.TimestampType;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

import dev.reliablekafka.ReliableKafkaConfigurationException;

/**
 * Makes sure the topics reliable listeners forward to (dead-letter, retry and delay topics) exist before any
 * listener container starts: it creates the missing ones, or, when it may not create topics, fails start-up
 * naming them. Start-up fails, naming the topics, if they are missing and cannot be created: a listener must never
 * find out at its first failed record that it has nowhere to put it.
 * <p>
 * Created delay tiers and retry topics keep their records longer than the longest delay they hold, and delay tiers
 * are stamped with the broker's append time; start-up warns about existing ones that are not.
 */
public class TopicProvisioner implements SmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(TopicProvisioner.class);

	private final Map<String, Object> adminConfig;

	private final Supplier<Collection<TopicRequirement>> topics;

	private final boolean create;

	private final @Nullable Integer partitions;

	private final @Nullable Short replicationFactor;

	private final @Nullable Duration deadLetterRetention;

	private final Duration timeout;

	private volatile boolean running;

	/**
	 * Create the provisioner.
	 * @param adminConfig configuration of the admin client
	 * @param topics supplies the topics that must exist
	 * @param create whether missing topics are created; when {@code false}, they fail start-up
	 * @param partitions partitions of a created topic, or {@code null} for the broker's default
	 * @param replicationFactor replication of a created topic, or {@code null} for the broker's default
	 * @param deadLetterRetention retention of a created dead-letter topic, or {@code null} for the broker's
	 * default
	 * @param timeout how long to wait for the broker
	 */
	public TopicProvisioner(Map<String, Object> adminConfig, Supplier<Collection<TopicRequirement>> topics,
			boolean create, @Nullable Integer partitions, @Nullable Short replicationFactor,
			@Nullable Duration deadLetterRetention, Duration timeout) {
		this.adminConfig = adminConfig;
		this.topics = topics;
		this.create = create;
		this.partitions = partitions;
		this.replicationFactor = replicationFactor;
		this.deadLetterRetention = deadLetterRetention;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		Map<String, TopicRequirement> wanted = new TreeMap<>();
		this.topics.get().forEach(requirement -> wanted.merge(requirement.name(), requirement, TopicRequirement::and));
		if (!wanted.isEmpty()) {
			provision(wanted);
		}
		this.running = true;
	}

	private void provision(Map<String, TopicRequirement> wanted) {
		Admin admin = Admin.create(this.adminConfig);
		try {
			Set<String> existing = admin.listTopics().names().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			List<TopicRequirement> missing = wanted.values()
				.stream()
				.filter(requirement -> !existing.contains(requirement.name()))
				.toList();
			if (!missing.isEmpty()) {
				if (!this.create) {
					throw notCreated(missing);
				}
				create(admin, missing);
			}
			TopicConfigCheck.warnAboutUnsafeConfigs(admin,
					wanted.values().stream().filter(requirement -> existing.contains(requirement.name())).toList(),
					this.timeout);
		}
		catch (ReliableKafkaConfigurationException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw failed(wanted.keySet(), ex);
		}
		catch (Exception ex) {
			throw failed(wanted.keySet(), ex);
		}
		finally {
			// Do not wait for requests that are still pending when the broker is unreachable.
			admin.close(Duration.ZERO);
		}
	}

	private void create(Admin admin, List<TopicRequirement> missing) {
		// Wait for every creation, so that the failure names all topics that are missing, not just the first.
		Map<String, Throwable> failures = new TreeMap<>();
		long deadline = System.nanoTime() + this.timeout.toNanos();
		admin.createTopics(missing.stream().map(this::newTopic).toList()).values().forEach((name, result) -> {
			try {
				result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				logger.info(() -> "Created topic " + name);
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					failures.put(name, (ex.getCause() != null) ? ex.getCause() : ex);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failures.put(name, ex);
			}
			catch (Exception ex) {
				failures.put(name, ex);
			}
		});
		if (!failures.isEmpty()) {
			throw failed(failures.keySet(), failures.values().iterator().next());
		}
	}

	private NewTopic newTopic(TopicRequirement requirement) {
		Map<String, String> configs = new HashMap<>();
		if (requirement.kind() == TopicRequirement.Kind.DEAD_LETTER) {
			if (this.deadLetterRetention != null) {
				configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(this.deadLetterRetention.toMillis()));
			}
		}
		else {
			configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(requirement.retentionToCreate().toMillis()));
		}
		if (requirement.kind() == TopicRequirement.Kind.DELAY_TIER) {
			// One clock, the broker's, stamps when a record started waiting.
			configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name);
		}
		return new NewTopic(requirement.name(), Optional.ofNullable(this.partitions),
				Optional.ofNullable(this.replicationFactor))
			.configs(configs);
	}

	private static ReliableKafkaConfigurationException notCreated(List<TopicRequirement> missing) {
		return new ReliableKafkaConfigurationException(null, "reliable.kafka.topics.create",
				"is false, but the topics " + missing.stream().map(TopicRequirement::name).toList()
						+ " do not exist",
				"Create them (see the README for the retention each needs) or set reliable.kafka.topics.create "
						+ "to true. If they exist but this application may not describe them, set "
						+ "reliable.kafka.topics.verify=false to skip this check.");
	}

	private static ReliableKafkaConfigurationException failed(Collection<String> names, Throwable cause) {
		ReliableKafkaConfigurationException ex = new ReliableKafkaConfigurationException(null,
				"reliable.kafka.topics", "could not make sure the topics " + names + " exist (" + cause + ")",
				"Check that the broker is reachable, and create these topics or allow this application to "
						+ "create them; set reliable.kafka.topics.create=false only if you create them yourself, "
						+ "and reliable.kafka.topics.verify=false only if this application may not describe them.");
		ex.initCause(cause);
		return ex;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Before the listener containers, which start in the default container phase.
		return AbstractMessageListenerContainer.DEFAULT_PHASE - 100;
	}

}
