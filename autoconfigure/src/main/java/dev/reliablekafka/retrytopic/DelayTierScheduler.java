package dev.reliablekafka.retrytopic;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.routing.RecordForwarder;
import dev.reliablekafka.topics.TopicNaming;

/**
 * Runs, inside each application instance, the consumer of the application's delay tiers. All instances share
 * one consumer group, so they share the work. A partition whose head record is not due is paused until the due
 * time, then the record is handed to its group's retry topic and only then committed; with transactions on, the
 * hand-off and the commit are one transaction (see {@link DueRecordForwarder}). Pending records stay in Kafka,
 * so they survive restarts and cost no memory.
 */
public class DelayTierScheduler implements SmartLifecycle {

	private static final long POLL_TIMEOUT_MILLIS = 100;

	private final Supplier<Collection<String>> tierTopics;

	private final Map<String, Object> consumerConfig;

	private final Supplier<String> groupId;

	private final RecordForwarder forwarder;

	private final TopicNaming naming;

	private final PartitionBackOff partitionBackOff;

	private @Nullable ConcurrentMessageListenerContainer<byte[], byte[]> container;

	/**
	 * Create the scheduler.
	 * @param tierTopics supplies the delay tier topics some listener can reach
	 * @param consumerConfig the application's consumer configuration (connection, security)
	 * @param groupId supplies the scheduler's consumer group
	 * @param forwarder sends due records
	 * @param naming names each group's retry topic
	 * @param partitionBackOff pauses partitions until their head record is due
	 */
	public DelayTierScheduler(Supplier<Collection<String>> tierTopics, Map<String, Object> consumerConfig,
			Supplier<String> groupId, RecordForwarder forwarder, TopicNaming naming, PartitionBackOff partitionBackOff) {
		this.tierTopics = tierTopics;
		this.consumerConfig = consumerConfig;
		this.groupId = groupId;
		this.forwarder = forwarder;
		this.naming = naming;
		this.partitionBackOff = partitionBackOff;
	}

	@Override
	public synchronized void start() {
		Collection<String> topics = this.tierTopics.get();
		if (topics.isEmpty() || this.container != null) {
			return;
		}
		Map<String, Object> config = new HashMap<>(this.consumerConfig);
		String group = this.groupId.get();
		config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		// After a paused partition resumes, its next fetch waits for the one in flight, which the broker holds
		// for up to this long when no tier has new records: keep redeliveries punctual. The price is up to 100
		// empty fetches a second while tiers are idle and not paused.
		config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
		DefaultKafkaConsumerFactory<byte[], byte[]> consumerFactory = new DefaultKafkaConsumerFactory<>(config,
				new ByteArrayDeserializer(), new ByteArrayDeserializer());
		ContainerProperties properties = new ContainerProperties(topics.toArray(String[]::new));
		properties.setGroupId(group);
		// A resume that lands just before a poll starts does not wake it; bound how late that can make a record.
		properties.setPollTimeout(POLL_TIMEOUT_MILLIS);
		// The listener commits what it handed over itself, partition by partition.
		properties.setAckMode(ContainerProperties.AckMode.MANUAL);
		DueRecordForwarder listener = new DueRecordForwarder(this.forwarder, this.naming, this.partitionBackOff);
		properties.setMessageListener(listener);
		ConcurrentMessageListenerContainer<byte[], byte[]> created = new ConcurrentMessageListenerContainer<>(
				consumerFactory, properties);
		created.setBeanName("reliable-delay-scheduler");
		listener.setContainer(created);
		created.setCommonErrorHandler(new DueTimeErrorHandler(this.partitionBackOff));
		created.start();
		this.container = created;
	}

	@Override
	public synchronized void stop() {
		if (this.container != null) {
			this.container.stop();
			this.container = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.container != null && this.container.isRunning();
	}

	@Override
	public int getPhase() {
		return AbstractMessageListenerContainer.DEFAULT_PHASE;
	}

}
