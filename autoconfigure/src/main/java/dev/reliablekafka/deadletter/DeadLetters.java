package dev.reliablekafka.deadletter;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.topics.TopicNaming;

/**
 * The dead-letter topics of the application's reliable listener groups, from code: browse a group's dead-letter
 * records newest first, and redrive them to the group's retry topic or their original topic, once the cause of
 * their failure is fixed. The actuator endpoint {@code reliablekafka} does the same over HTTP.
 * <p>
 * Browsing commits nothing. A redrive leaves the dead-letter records where they are (a topic is an append-only
 * log) and remembers which ones it moved in the committed offsets of the redrive group ({@code <group>.redrive}
 * by default), committed only once the broker acknowledged the moved records with {@code acks=all}: running the
 * same redrive twice moves nothing twice, and a record a filter left out can still be moved by a later redrive.
 * A record that was redriven {@code max-redrives} times and came back is refused (the loop guard). Each redrive
 * logs one audit line. Redrives of one group started at the same time, on this instance or others, share the
 * partitions as members of the redrive group, so that each record is moved once.
 */
public class DeadLetters {

	private static final LogAccessor audit = new LogAccessor("dev.reliablekafka.deadletter.audit");

	private final ListenerPolicies policies;

	private final Map<String, Object> consumerConfig;

	private final Map<String, Object> producerConfig;

	private final String redriveGroup;

	private final int maxRedrives;

	private final double rate;

	private final int previewBytes;

	private final Duration sendTimeout;

	/**
	 * Create the dead letters of an application.
	 * @param policies the reliable listeners, which tell the groups and their topics
	 * @param consumerConfig the application's consumer configuration (its group id and deserializers are replaced)
	 * @param producerConfig the application's producer configuration (its serializers, acks and transactional id are
	 * replaced)
	 * @param redriveGroup the redrive consumer group of a group, {@value TopicNaming#GROUP} standing for the group
	 * @param maxRedrives how many times a record may be redriven; one redriven that often is refused
	 * @param rate records per second a redrive moves at most, unless its request says otherwise
	 * @param previewBytes how many bytes of a key or value a browse shows
	 * @param sendTimeout how long to wait for the broker to acknowledge moved records
	 */
	public DeadLetters(ListenerPolicies policies, Map<String, Object> consumerConfig,
			Map<String, Object> producerConfig, String redriveGroup, int maxRedrives, double rate, int previewBytes,
			Duration sendTimeout) {
		this.policies = policies;
		this.consumerConfig = Map.copyOf(consumerConfig);
		this.producerConfig = Map.copyOf(producerConfig);
		this.redriveGroup = redriveGroup;
		this.maxRedrives = maxRedrives;
		this.rate = rate;
		this.previewBytes = previewBytes;
		this.sendTimeout = sendTimeout;
	}

	/**
	 * Return the consumer groups of the reliable listeners whose failed records go to a dead-letter topic.
	 * @return the groups, sorted
	 */
	public Set<String> groups() {
		Set<String> groups = new TreeSet<>();
		this.policies.all()
			.stream()
			.filter(ListenerPolicy::deadLetterEnabled)
			.forEach(policy -> groups.add(policy.groupId()));
		return groups;
	}

	/**
	 * Return the dead-letter topic of a group.
	 * @param group a consumer group of a reliable listener
	 * @return its dead-letter topic
	 * @throws InvalidDeadLetterRequestException when no reliable listener with a dead-letter topic has this group
	 */
	public String deadLetterTopic(String group) {
		return this.policies.all()
			.stream()
			.filter(policy -> policy.groupId().equals(group))
			.map(ListenerPolicy::deadLetterTopic)
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow(() -> new InvalidDeadLetterRequestException("'" + group + "' is not the group of a reliable "
					+ "listener with a dead-letter topic; groups: " + groups()));
	}

	/**
	 * Return the redrive consumer group of a group, whose committed offsets remember what its redrives moved.
	 * @param group the consumer group
	 * @return the redrive group
	 */
	public String redriveGroup(String group) {
		return this.redriveGroup.replace(TopicNaming.GROUP, group);
	}

	/**
	 * Show a group's dead-letter records, newest first, without committing anything.
	 * @param group a consumer group of a reliable listener
	 * @param query what to show
	 * @return the records found
	 * @throws InvalidDeadLetterRequestException when the group is unknown
	 */
	public DeadLetterPage browse(String group, DeadLetterQuery query) {
		String topic = deadLetterTopic(group);
		try (Consumer<byte[], byte[]> consumer = consumer(group, "browse", this.rate)) {
			return new DeadLetterBrowser(consumer, this.previewBytes).browse(group, topic, query);
		}
	}

	/**
	 * Redrive a group's dead-letter records, as application code.
	 * @param group a consumer group of a reliable listener
	 * @param request what to move
	 * @return what was moved, or in a dry run would be
	 * @throws InvalidDeadLetterRequestException when the group is unknown or its retry topic cannot take the
	 * records
	 */
	public RedriveResult redrive(String group, RedriveRequest request) {
		return redrive(group, request, "application");
	}

	/**
	 * Redrive a group's dead-letter records.
	 * @param group a consumer group of a reliable listener
	 * @param request what to move
	 * @param initiator who asked, for the audit line
	 * @return what was moved, or in a dry run would be
	 * @throws InvalidDeadLetterRequestException when the group is unknown or its retry topic cannot take the
	 * records
	 */
	public RedriveResult redrive(String group, RedriveRequest request, String initiator) {
		String source = deadLetterTopic(group);
		double limit = (request.rate() != null) ? request.rate() : this.rate;
		try (Consumer<byte[], byte[]> consumer = consumer(group, "redrive", limit)) {
			RetryTopicTarget retryTopic = (request.target() == RedriveTarget.RETRY) ? retryTopic(consumer, group)
					: null;
			try (Producer<byte[], byte[]> producer = request.dryRun() ? null : producer(group)) {
				RedriveResult result = new RedriveRun(consumer, producer, request, retryTopic, this.maxRedrives, limit,
						this.sendTimeout)
					.run(group, source);
				audit.info(() -> auditLine(initiator, request, limit, result));
				return result;
			}
		}
	}

	private static String auditLine(String initiator, RedriveRequest request, double rate, RedriveResult result) {
		return "Redrive" + (result.dryRun() ? " (dry run)" : "") + " of group '" + result.group() + "' by "
				+ initiator + ": " + result.source() + " -> " + result.target() + ", filters {from=" + request.from()
				+ ", to=" + request.to() + ", exception=" + request.exception() + ", messageIds="
				+ request.messageIds() + ", maxCount=" + request.maxCount() + "}, rate " + rate + "/s: "
				+ (result.dryRun() ? "would move " : "moved ") + result.moved() + ", refused " + result.refused()
				+ ", skipped " + result.skipped() + ", already redriven " + result.alreadyRedriven() + " in "
				+ result.durationMillis() + " ms"
				+ ((result.stoppedBecause() != null) ? "; stopped: " + result.stoppedBecause() : "");
	}

	// Only a listener that consumes its group's retry topic gets a record written there, and only its own records.
	private RetryTopicTarget retryTopic(Consumer<byte[], byte[]> consumer, String group) {
		List<ListenerPolicy> listeners = this.policies.all()
			.stream()
			.filter(policy -> policy.groupId().equals(group))
			.toList();
		ListenerPolicy consuming = listeners.stream()
			.filter(policy -> policy.groupRetryTopic() != null)
			.findFirst()
			.orElse(null);
		String topic = (consuming != null) ? consuming.groupRetryTopic() : null;
		if (consuming == null || topic == null || Partitions.of(consumer, topic).isEmpty()) {
			throw new InvalidDeadLetterRequestException("group '" + group + "' consumes no retry topic"
					+ ((topic != null) ? " (" + topic + " does not exist)" : "") + ", so records written there would "
					+ "not be delivered; redrive with target ORIGINAL");
		}
		return new RetryTopicTarget(topic, (listeners.size() > 1) ? Set.copyOf(consuming.topics()) : null);
	}

	private Consumer<byte[], byte[]> consumer(String group, String purpose, double rate) {
		Map<String, Object> config = new HashMap<>(this.consumerConfig);
		// A redrive paces the records of a poll: about a second of them, so that it polls, and so hands partitions
		// over to another redrive of the group, about every second.
		config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, (int) Math.max(1, Math.min(500, Math.ceil(rate))));
		config.put(ConsumerConfig.GROUP_ID_CONFIG, redriveGroup(group));
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "reliable-" + purpose + "-" + group);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	private @Nullable Producer<byte[], byte[]> producer(String group) {
		Map<String, Object> config = new HashMap<>(this.producerConfig);
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		config.put(ProducerConfig.CLIENT_ID_CONFIG, "reliable-redrive-" + group);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// A missing target topic fails the run in seconds rather than blocking it for a minute.
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
		return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
	}

	/**
	 * Return the redrives a record may have had before a redrive refuses it.
	 * @return {@code reliable.kafka.redrive.max-redrives}
	 */
	public int maxRedrives() {
		return this.maxRedrives;
	}

}
