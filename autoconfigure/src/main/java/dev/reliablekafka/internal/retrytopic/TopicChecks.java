package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Asks the broker, through an admin client, whether the scheduler can write to a topic at all, and remembers the
 * answer for a while. A record bound for a topic that is missing or not authorized can never be handed over, and
 * asking first spares the producer its wait for metadata that will not come (up to {@code max.block.ms} on the
 * scheduler's only thread). A topic that can be written to is believed for {@link #TTL}; one that cannot only for
 * {@link #NEGATIVE_TTL}, since the records bound for it wait for it to come back (see {@link HandOffRoutes}). An
 * answer the broker could not give (unreachable) is never remembered.
 */
class TopicChecks implements AutoCloseable {

	private static final LogAccessor logger = new LogAccessor(TopicChecks.class);

	/** How long the answer that a topic can be written to is trusted. */
	static final Duration TTL = Duration.ofSeconds(30);

	/** How long the answer that a topic cannot be written to is trusted: as long as a held record waits. */
	static final Duration NEGATIVE_TTL = SchedulerListener.FORWARD_RETRY_INTERVAL;

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final @Nullable Map<String, Object> adminConfig;

	private final Map<String, Answer> answers = new ConcurrentHashMap<>();

	private @Nullable Admin admin;

	/**
	 * Create the checks.
	 * @param adminConfig configuration of the admin client, or {@code null} to check nothing
	 */
	TopicChecks(@Nullable Map<String, Object> adminConfig) {
		this.adminConfig = adminConfig;
	}

	/**
	 * Return whether a topic can be written to, from the remembered answer if it is recent.
	 * @param topic the topic
	 * @return the status
	 */
	Status status(String topic) {
		Answer answer = this.answers.get(topic);
		if (answer != null && answer.until > System.nanoTime()) {
			return answer.status;
		}
		return recheck(topic);
	}

	/**
	 * Ask the broker again whether a topic can be written to.
	 * @param topic the topic
	 * @return the status
	 */
	Status recheck(String topic) {
		Status status = ask(topic);
		if (status == Status.UNREACHABLE) {
			this.answers.remove(topic);
		}
		else {
			remember(topic, status);
		}
		return status;
	}

	/**
	 * Remember that the broker refused to let the scheduler write to a topic.
	 * @param topic the topic
	 */
	void refused(String topic) {
		remember(topic, Status.UNAUTHORIZED);
	}

	private void remember(String topic, Status status) {
		Duration ttl = (status == Status.AVAILABLE) ? TTL : NEGATIVE_TTL;
		this.answers.put(topic, new Answer(status, System.nanoTime() + ttl.toNanos()));
	}

	/**
	 * Create a topic with the broker's default partitions and replication, unless it exists.
	 * @param topic the topic
	 */
	void createIfMissing(String topic) {
		Admin client = admin();
		if (client == null || status(topic) != Status.MISSING) {
			return;
		}
		try {
			client.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
				.all()
				.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			logger.warn(() -> "Created " + topic + " for delay tier records that cannot be handed over");
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				logger.error(ex.getCause(), () -> "Could not create " + topic);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.error(ex, () -> "Could not create " + topic);
		}
		this.answers.remove(topic);
	}

	private Status ask(String topic) {
		Admin client = admin();
		if (client == null) {
			return Status.AVAILABLE;
		}
		try {
			client.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return Status.AVAILABLE;
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof UnknownTopicOrPartitionException) {
				return Status.MISSING;
			}
			if (cause instanceof TopicAuthorizationException) {
				return Status.UNAUTHORIZED;
			}
			if (cause instanceof InvalidTopicException) {
				return Status.INVALID;
			}
			return Status.UNREACHABLE;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Status.UNREACHABLE;
		}
		catch (Exception ex) {
			return Status.UNREACHABLE;
		}
	}

	private synchronized @Nullable Admin admin() {
		if (this.admin == null && this.adminConfig != null) {
			this.admin = Admin.create(this.adminConfig);
		}
		return this.admin;
	}

	@Override
	public synchronized void close() {
		if (this.admin != null) {
			this.admin.close(TIMEOUT);
			this.admin = null;
		}
	}

	/** What the broker said about a topic. */
	enum Status {

		/** It exists and may be described: writing to it is expected to work. */
		AVAILABLE("exists"),

		/** It does not exist. */
		MISSING("does not exist"),

		/** The scheduler may not use it. */
		UNAUTHORIZED("is not authorized for the scheduler"),

		/** Its name is not a legal topic name. */
		INVALID("is not a legal topic name"),

		/** The broker did not answer: try again later. */
		UNREACHABLE("could not be checked");

		private final String description;

		Status(String description) {
			this.description = description;
		}

		/**
		 * Return whether a record bound for the topic can never be handed over there.
		 * @return true when missing, not authorized or illegal
		 */
		boolean undeliverable() {
			return this == MISSING || this == UNAUTHORIZED || this == INVALID;
		}

		/**
		 * Return whether the topic cannot be written to now but may be later: it is being created or its ACLs
		 * are being fixed.
		 * @return true when missing or not authorized
		 */
		boolean mayComeBack() {
			return this == MISSING || this == UNAUTHORIZED;
		}

		/**
		 * Describe a topic with this status.
		 * @param topic the topic
		 * @return e.g. {@code retry.orders does not exist}
		 */
		String describe(String topic) {
			return topic + " " + this.description;
		}

	}

	private record Answer(Status status, long until) {
	}

}
