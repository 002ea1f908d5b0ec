package dev.reliablekafka.internal.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.log.LogAccessor;

/**
 * How many records wait in the topics Reliable Kafka writes to: per delay tier, the records its scheduler group
 * has not handed over yet; per retry topic, those its group has not consumed yet; per dead-letter topic, those the
 * group has not consumed (usually all the topic holds). Each is the sum over the topic's partitions of its end
 * offset minus the group's committed offset (the log start offset where the group has none or is behind it), so it
 * counts transaction markers too where transactions are on.
 * <p>
 * The depths are computed with an admin client, lazily: at most once per refresh interval, when someone asks, and
 * reused in between, so that many meters and endpoint calls cost four admin requests every few seconds at most.
 * A topic that does not exist or cannot be read has no depth.
 */
public class TopicDepths implements DisposableBean {

	private static final LogAccessor logger = new LogAccessor(TopicDepths.class);

	private static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(5);

	private final @Nullable Map<String, Object> adminConfig;

	private final Supplier<Collection<Watched>> watched;

	private final Duration refreshInterval;

	private @Nullable Admin admin;

	private Map<Watched, Long> depths = Map.of();

	private long refreshedAt = Long.MIN_VALUE;

	private boolean closed;

	/**
	 * Create the depths.
	 * @param adminConfig configuration of the admin client, or {@code null} when there is none: no depth is known
	 * @param watched supplies the topics to measure, each with the group whose committed offsets count
	 * @param refreshInterval the longest the depths are reused before they are computed again
	 */
	public TopicDepths(@Nullable Map<String, Object> adminConfig, Supplier<Collection<Watched>> watched,
			Duration refreshInterval) {
		this.adminConfig = adminConfig;
		this.watched = watched;
		this.refreshInterval = refreshInterval;
	}

	/**
	 * Return the topics whose depth is measured.
	 * @return the topics, each with its group
	 */
	public Collection<Watched> watched() {
		return this.watched.get();
	}

	/**
	 * Return the depth of every watched topic that could be read, computing it again if it is older than the
	 * refresh interval.
	 * @return records waiting, per topic and group
	 */
	public synchronized Map<Watched, Long> depths() {
		long now = System.nanoTime();
		if (this.refreshedAt != Long.MIN_VALUE && now - this.refreshedAt < this.refreshInterval.toNanos()) {
			return this.depths;
		}
		this.refreshedAt = now;
		if (this.adminConfig == null || this.closed) {
			return this.depths;
		}
		try {
			this.depths = compute(admin(this.adminConfig), Set.copyOf(this.watched.get()));
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			// Keep the last known depths: the broker may be back at the next refresh.
			logger.debug(ex, "Could not read the depths of Reliable Kafka's topics");
		}
		return this.depths;
	}

	/**
	 * Return the depth of one topic for one group.
	 * @param topic the topic
	 * @param group the consumer group whose committed offsets count
	 * @return the records waiting, or {@code null} if unknown
	 */
	public @Nullable Long depth(String topic, String group) {
		for (Map.Entry<Watched, Long> entry : depths().entrySet()) {
			if (entry.getKey().topic().equals(topic) && entry.getKey().group().equals(group)) {
				return entry.getValue();
			}
		}
		return null;
	}

	private Admin admin(Map<String, Object> config) {
		if (this.admin == null) {
			Map<String, Object> own = new HashMap<>(config);
			own.putIfAbsent("client.id", "reliable-kafka-topic-depths");
			this.admin = Admin.create(own);
		}
		return this.admin;
	}

	private static Map<Watched, Long> compute(Admin admin, Set<Watched> watched) throws Exception {
		Set<String> names = new HashSet<>();
		watched.forEach(topic -> names.add(topic.topic()));
		Map<String, List<TopicPartition>> partitions = new HashMap<>();
		admin.describeTopics(names).topicNameValues().forEach((name, future) -> {
			TopicDescription description = valueOrNull(future);
			if (description != null) {
				partitions.put(name, description.partitions()
					.stream()
					.map(info -> new TopicPartition(name, info.partition()))
					.toList());
			}
		});
		if (partitions.isEmpty()) {
			return Map.of();
		}
		Map<TopicPartition, OffsetSpec> latestSpec = new HashMap<>();
		Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
		partitions.values().forEach(list -> list.forEach(partition -> {
			latestSpec.put(partition, OffsetSpec.latest());
			earliestSpec.put(partition, OffsetSpec.earliest());
		}));
		ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
		Map<TopicPartition, ListOffsetsResultInfo> latest = admin.listOffsets(latestSpec, committedOnly)
			.all()
			.get(MAX_REQUEST_TIME.toMillis(), TimeUnit.MILLISECONDS);
		Map<TopicPartition, ListOffsetsResultInfo> earliest = admin.listOffsets(earliestSpec)
			.all()
			.get(MAX_REQUEST_TIME.toMillis(), TimeUnit.MILLISECONDS);
		Map<String, Set<TopicPartition>> byGroup = new HashMap<>();
		watched.stream()
			.filter(topic -> partitions.containsKey(topic.topic()))
			.forEach(topic -> byGroup.computeIfAbsent(topic.group(), group -> new HashSet<>())
				.addAll(partitions.get(topic.topic())));
		Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
		byGroup.forEach((group, owned) -> specs.put(group,
				new ListConsumerGroupOffsetsSpec().topicPartitions(owned)));
		Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(specs)
			.all()
			.get(MAX_REQUEST_TIME.toMillis(), TimeUnit.MILLISECONDS);
		Map<Watched, Long> result = new LinkedHashMap<>();
		for (Watched topic : watched) {
			List<TopicPartition> owned = partitions.get(topic.topic());
			if (owned == null) {
				continue;
			}
			Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(topic.group(), Map.of());
			long depth = 0;
			for (TopicPartition partition : owned) {
				long start = earliest.get(partition).offset();
				OffsetAndMetadata position = offsets.get(partition);
				long consumed = (position != null) ? Math.max(start, position.offset()) : start;
				depth += Math.max(0, latest.get(partition).offset() - consumed);
			}
			result.put(topic, depth);
		}
		return result;
	}

	private static <T> @Nullable T valueOrNull(KafkaFuture<T> future) {
		try {
			return future.get(MAX_REQUEST_TIME.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			return null; // missing or not authorized: no depth
		}
	}

	@Override
	public synchronized void destroy() {
		this.closed = true;
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(5));
			this.admin = null;
		}
	}

	/**
	 * A topic whose depth is measured.
	 *
	 * @param kind what the topic is for
	 * @param topic the topic
	 * @param group the consumer group whose committed offsets count: the scheduler's for a delay tier, the
	 * listener's for its retry and dead-letter topics
	 */
	public record Watched(Kind kind, String topic, String group) {
	}

	/** What a measured topic is for. */
	public enum Kind {

		/** A delay tier, where failed records wait for their next retry. */
		DELAY_TIER("delay-tier"),

		/** A group's retry topic, from where its listener gets them back. */
		RETRY("retry"),

		/** A group's dead-letter topic. */
		DEAD_LETTER("dead-letter");

		private final String tag;

		Kind(String tag) {
			this.tag = tag;
		}

		/**
		 * Return the kind as a meter tag value.
		 * @return e.g. {@code delay-tier}
		 */
		public String tag() {
			return this.tag;
		}

	}

}
