package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

import dev.reliablekafka.internal.container.ArrivalSignallingDeserializer;
import dev.reliablekafka.internal.container.BackOffFetchWait;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.routing.CommitGate;
import dev.reliablekafka.internal.routing.RecordForwarder;
import dev.reliablekafka.internal.topics.TopicNaming;

/**
 * Runs, inside each application instance, the consumer of the application's delay tiers. All instances share
 * one consumer group, so they share the work. A partition whose head record is not due is paused until the due
 * time, then the record is handed to its group's retry topic and committed once the broker acknowledged it; with
 * transactions on, the hand-offs and the commit of a poll are one transaction (see {@link SchedulerListener}). Pending records stay in Kafka,
 * so they survive restarts and cost no memory.
 * <p>
 * It consumes every delay tier of its namespace, not only the levels today's listeners reach, and runs whenever
 * some reliable listener exists, whatever its mode: records parked under an earlier configuration are still
 * handed over. It never stops because the broker refused its consumer; {@link #isConsuming()} tells whether it
 * is serving the tiers.
 */
public class DelayTierScheduler implements SmartLifecycle, DisposableBean {

	private static final LogAccessor logger = new LogAccessor(DelayTierScheduler.class);

	private static final long POLL_TIMEOUT_MILLIS = 100;

	private static final Duration METADATA_MAX_AGE = Duration.ofSeconds(30);

	private static final int DEFAULT_AUTH_EXCEPTION_RETRY_INTERVAL_SECONDS = 10;

	private static final Duration DEFAULT_AUTH_EXCEPTION_RETRY_INTERVAL = Duration
		.ofSeconds(DEFAULT_AUTH_EXCEPTION_RETRY_INTERVAL_SECONDS);

	private static final Duration DEFAULT_UNAVAILABLE_TOPIC_PATIENCE = Duration.ofMinutes(5);

	private final Supplier<@Nullable DelayTiers> tiers;

	private final Supplier<Collection<String>> configuredTiers;

	private final Map<String, Object> consumerConfig;

	private final Supplier<String> groupId;

	private final RecordForwarder forwarder;

	private final TopicNaming naming;

	private final PartitionBackOff partitionBackOff;

	private @Nullable ConsumerFactory<byte[], byte[]> consumerFactory;

	private @Nullable Map<String, Object> adminConfig;

	// Each scheduler learns of topics for itself (without an admin client, every topic is taken to be writable).
	private TopicChecks topicChecks = new TopicChecks(null);

	private Duration authExceptionRetryInterval = DEFAULT_AUTH_EXCEPTION_RETRY_INTERVAL;

	private Duration unavailableTopicPatience = DEFAULT_UNAVAILABLE_TOPIC_PATIENCE;

	private @Nullable ConcurrentMessageListenerContainer<byte[], byte[]> container;

	private ReliableEvents events = ReliableEvents.NONE;

	private List<ConsumerFactory.Listener<byte[], byte[]>> consumerListeners = List.of();

	// Whether it found no delay tier to serve when it last started.
	private boolean idle;

	/**
	 * Create the scheduler.
	 * @param tiers supplies the delay tiers of the namespace, or {@code null} when the scheduler has nothing to do
	 * (no reliable listener, or no namespace)
	 * @param configuredTiers supplies the tiers today's listeners reach
	 * @param consumerConfig the application's consumer configuration (connection, security)
	 * @param groupId supplies the scheduler's consumer group
	 * @param forwarder sends due records; the scheduler's own, destroyed with it
	 * @param naming names each group's retry topic
	 * @param partitionBackOff pauses partitions until their head record is due
	 */
	public DelayTierScheduler(Supplier<@Nullable DelayTiers> tiers, Supplier<Collection<String>> configuredTiers,
			Map<String, Object> consumerConfig,
			Supplier<String> groupId, RecordForwarder forwarder, TopicNaming naming, PartitionBackOff partitionBackOff) {
		this.tiers = tiers;
		this.configuredTiers = configuredTiers;
		this.consumerConfig = consumerConfig;
		this.groupId = groupId;
		this.forwarder = forwarder;
		this.naming = naming;
		this.partitionBackOff = partitionBackOff;
	}

	/**
	 * Set how long due records wait in their tier for a retry or dead-letter topic that is missing or refuses the
	 * scheduler's writes to come back, before they move on (to the dead-letter topic, then the parking topic).
	 * @param patience the wait; 5 minutes unless set, zero to move on at once
	 */
	public void setUnavailableTopicPatience(Duration patience) {
		this.unavailableTopicPatience = patience;
	}

	/**
	 * Set how long the scheduler's consumer waits before it polls again after the broker refused it
	 * (authentication or authorization); it never stops for that reason.
	 * @param interval the wait; {@value #DEFAULT_AUTH_EXCEPTION_RETRY_INTERVAL_SECONDS} s unless set
	 */
	public void setAuthExceptionRetryInterval(Duration interval) {
		this.authExceptionRetryInterval = interval;
	}

	/**
	 * Let the scheduler ask the broker, with an admin client of this configuration, whether a group's retry or
	 * dead-letter topic can be written to before it sends there; without it, every topic is taken to be writable.
	 * @param adminConfig configuration of the admin client
	 */
	public void setAdminConfig(Map<String, Object> adminConfig) {
		this.adminConfig = adminConfig;
	}

	/**
	 * The scheduler's consumers: after a paused tier partition resumes, its next fetch waits for the one in
	 * flight, which the broker holds for {@code fetch.max.wait.ms} when no tier has new records. Their fetches are
	 * short only around due times ({@link BackOffFetchWait}), which keeps hand-offs punctual without 100 empty
	 * fetches a second while tiers are idle. Like a reliable listener's consumer, each is behind a commit gate
	 * (the outermost wrapper), through which the scheduler hands records over without waiting.
	 */
	@SuppressWarnings("unchecked")
	private static ConsumerFactory<byte[], byte[]> schedulerConsumers(Map<String, Object> config,
			Duration forwardTimeout, List<ConsumerFactory.Listener<byte[], byte[]>> listeners) {
		DefaultKafkaConsumerFactory<byte[], byte[]> factory = new DefaultKafkaConsumerFactory<>(config,
				new ArrivalSignallingDeserializer(), new ArrivalSignallingDeserializer());
		factory.setBeanName("reliableKafkaSchedulerConsumerFactory");
		listeners.forEach(factory::addListener);
		factory.addPostProcessor(new BackOffFetchWait<>());
		ConsumerPostProcessor<?, ?> gate = new CommitGate(forwardTimeout);
		factory.addPostProcessor((ConsumerPostProcessor<byte[], byte[]>) gate);
		return factory;
	}

	/**
	 * Set whom to tell about each hand-off.
	 * @param events told about hand-offs and failed hand-offs
	 */
	public void setEvents(ReliableEvents events) {
		this.events = events;
	}

	/**
	 * Add listeners to the scheduler's consumer factory (such as the application's Micrometer consumer listener),
	 * so that its consumers are seen like the application's own.
	 * @param listeners the listeners
	 */
	public void setConsumerListeners(List<ConsumerFactory.Listener<byte[], byte[]>> listeners) {
		this.consumerListeners = List.copyOf(listeners);
	}

	/**
	 * Use this consumer factory instead of one built from the consumer configuration (for tests); the consumers
	 * it creates must be behind a {@link CommitGate} if they are to hand records over.
	 * @param consumerFactory the factory
	 */
	void setConsumerFactory(ConsumerFactory<byte[], byte[]> consumerFactory) {
		this.consumerFactory = consumerFactory;
	}

	@Override
	public synchronized void start() {
		DelayTiers topics = this.tiers.get();
		if (topics == null || this.container != null) {
			this.idle = topics == null;
			return;
		}
		Map<String, Object> config = new HashMap<>(this.consumerConfig);
		String group = this.groupId.get();
		config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		ConsumerFactory<byte[], byte[]> consumerFactory = (this.consumerFactory != null) ? this.consumerFactory
				: schedulerConsumers(config, this.forwarder.timeout(), this.consumerListeners);
		// Every tier of the namespace, not only those today's listeners reach: records parked under other delay
		// levels, or by listeners that are now BLOCKING or gone, are still handed over.
		Set<String> named = TierSubscription.topics(topics, this.configuredTiers.get(), this.adminConfig);
		this.idle = named != null && named.isEmpty();
		if (this.idle) {
			return; // no tier to serve: none exists, and no listener reaches one
		}
		ContainerProperties properties;
		if (named != null) {
			properties = new ContainerProperties(named.toArray(String[]::new));
		}
		else {
			// The broker could not list them: fall back to a pattern, and find tiers at metadata refreshes.
			config.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) METADATA_MAX_AGE.toMillis());
			properties = new ContainerProperties(topics.pattern());
		}
		properties.setGroupId(group);
		// A resume that lands just before a poll starts does not wake it; bound how late that can make a record.
		properties.setPollTimeout(POLL_TIMEOUT_MILLIS);
		// The listener commits what it handed over itself, partition by partition.
		properties.setAckMode(ContainerProperties.AckMode.MANUAL);
		// Without it, one refusal by the authorizer stops the container for good and no tier is served again.
		properties.setAuthExceptionRetryInterval(this.authExceptionRetryInterval);
		this.topicChecks = new TopicChecks(this.adminConfig);
		SchedulerListener listener = new SchedulerListener(this.forwarder,
				new HandOffRoutes(this.naming, this.topicChecks, topics.parkingTopic(),
						this.unavailableTopicPatience), this.partitionBackOff);
		properties.setMessageListener(listener);
		ConcurrentMessageListenerContainer<byte[], byte[]> created = new ConcurrentMessageListenerContainer<>(
				consumerFactory, properties);
		created.setBeanName("reliable-delay-scheduler");
		listener.setContainer(created);
		listener.setEvents(this.events);
		created.setCommonErrorHandler(new SchedulerErrorHandler(this.partitionBackOff));
		created.setApplicationEventPublisher(DelayTierScheduler::reportStop);
		created.start();
		this.container = created;
	}

	@Override
	public synchronized void stop() {
		if (this.container != null) {
			this.container.stop();
			this.container = null;
		}
		this.topicChecks.close();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.container != null && this.container.isRunning();
	}

	/**
	 * Return whether the scheduler's consumer is running as it should: started, and not stopped by an error.
	 * @return whether delay tier records are being handed over
	 */
	public synchronized boolean isConsuming() {
		return this.container != null && this.container.isRunning() && this.container.isInExpectedState();
	}

	/**
	 * Return whether the scheduler has nothing to do: when it last started, there was no delay tier to serve.
	 * @return whether it idles; {@code false} before its first start
	 */
	public synchronized boolean isIdle() {
		return this.idle;
	}

	/**
	 * Return the scheduler's consumer group.
	 * @return the group id
	 */
	public String groupId() {
		return this.groupId.get();
	}

	/**
	 * Return the delay tier partitions assigned to this instance's scheduler.
	 * @return the partitions; empty when it is not running
	 */
	public synchronized Collection<TopicPartition> assignedPartitions() {
		Collection<TopicPartition> assigned = (this.container != null) ? this.container.getAssignedPartitions() : null;
		return (assigned != null) ? assigned : List.of();
	}

	private static void reportStop(Object event) {
		if (event instanceof ConsumerStoppedEvent stopped && stopped.getReason() != ConsumerStoppedEvent.Reason.NORMAL) {
			logger.error(() -> "The delay tier scheduler's consumer stopped (" + stopped.getReason()
					+ "): records parked in delay tiers are not handed over until the application is restarted");
		}
	}

	/**
	 * Stop, and close the scheduler's producer.
	 * @throws Exception if the producer could not be closed
	 */
	@Override
	public void destroy() throws Exception {
		stop();
		this.forwarder.destroy();
	}

	@Override
	public int getPhase() {
		return AbstractMessageListenerContainer.DEFAULT_PHASE;
	}

}
