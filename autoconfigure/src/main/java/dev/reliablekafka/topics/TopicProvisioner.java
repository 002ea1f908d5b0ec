package dev.reliablekafka.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

import dev.reliablekafka.ReliableKafkaConfigurationException;

/**
 * Creates the topics reliable listeners forward to (dead-letter, retry and delay topics) when they are missing,
 * before any listener container starts. Start-up fails, naming the topics, if they are missing and cannot be
 * created: a listener must never find out at its first failed record that it has nowhere to put it.
 */
public class TopicProvisioner implements SmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(TopicProvisioner.class);

	private final Map<String, Object> adminConfig;

	private final Supplier<Collection<String>> topics;

	private final @Nullable Integer partitions;

	private final @Nullable Short replicationFactor;

	private final Duration timeout;

	private volatile boolean running;

	/**
	 * Create the provisioner.
	 * @param adminConfig configuration of the admin client
	 * @param topics supplies the topics that must exist
	 * @param partitions partitions of a created topic, or {@code null} for the broker's default
	 * @param replicationFactor replication of a created topic, or {@code null} for the broker's default
	 * @param timeout how long to wait for the broker
	 */
	public TopicProvisioner(Map<String, Object> adminConfig, Supplier<Collection<String>> topics,
			@Nullable Integer partitions, @Nullable Short replicationFactor, Duration timeout) {
		this.adminConfig = adminConfig;
		this.topics = topics;
		this.partitions = partitions;
		this.replicationFactor = replicationFactor;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		Set<String> wanted = new TreeSet<>(this.topics.get());
		if (!wanted.isEmpty()) {
			provision(wanted);
		}
		this.running = true;
	}

	private void provision(Set<String> wanted) {
		Admin admin = Admin.create(this.adminConfig);
		try {
			Set<String> existing = admin.listTopics().names().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			List<NewTopic> missing = new ArrayList<>();
			wanted.stream()
				.filter(name -> !existing.contains(name))
				.forEach(name -> missing.add(new NewTopic(name, Optional.ofNullable(this.partitions),
						Optional.ofNullable(this.replicationFactor))));
			if (missing.isEmpty()) {
				return;
			}
			// Wait for every creation, so that the failure names all topics that are missing, not just the first.
			Map<String, Throwable> failures = new TreeMap<>();
			long deadline = System.nanoTime() + this.timeout.toNanos();
			admin.createTopics(missing).values().forEach((name, result) -> {
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
		catch (ReliableKafkaConfigurationException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw failed(wanted, ex);
		}
		catch (Exception ex) {
			throw failed(wanted, ex);
		}
		finally {
			// Do not wait for requests that are still pending when the broker is unreachable.
			admin.close(Duration.ZERO);
		}
	}

	private static ReliableKafkaConfigurationException failed(Collection<String> names, Throwable cause) {
		ReliableKafkaConfigurationException ex = new ReliableKafkaConfigurationException(null,
				"reliable.kafka.topics", "could not make sure the topics " + names + " exist (" + cause + ")",
				"Check that the broker is reachable, and create these topics or allow this application to "
						+ "create them; set reliable.kafka.topics.create=false only if you create them yourself.");
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
