package dev.reliablekafka.internal.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;
import dev.reliablekafka.internal.support.DurationText;
import dev.reliablekafka.internal.topics.TopicDepths;

/**
 * Reliable Kafka's Micrometer meters, under {@code reliable.kafka.*}. Listener meters are tagged with
 * {@code listener} (its id) and {@code group}; the scheduler's with {@code tier} (the delay tier topic). Counters
 * of every listener and outcome are registered at start-up with 0, so that rates and alerts work before the first
 * failure. The README lists every meter.
 */
public class ReliableKafkaMeters implements ReliableEvents {

	static final String RECORDS_FAILED = "reliable.kafka.records.failed";

	static final String PARTITIONS_BACKOFF = "reliable.kafka.partitions.backoff";

	static final String RECORD_ATTEMPTS = "reliable.kafka.record.attempts";

	static final String REDELIVERY_LATENESS = "reliable.kafka.redelivery.lateness";

	static final String RECORDS_WAITING = "reliable.kafka.records.waiting";

	static final String HANDOFFS = "reliable.kafka.scheduler.handoffs";

	static final String HANDOFFS_FAILED = "reliable.kafka.scheduler.handoffs.failed";

	static final String HANDOFF_LATENESS = "reliable.kafka.scheduler.handoff.lateness";

	static final String BREAKER_TRANSITIONS = "reliable.kafka.breaker.transitions";

	static final String BREAKER_OPEN = "reliable.kafka.breaker.open";

	private static final String NONE = "none";

	private static final double[] PERCENTILES = { 0.5, 0.95, 0.99 };

	private final MeterRegistry registry;

	// 1 while a listener's outage breaker is open or half-open, by listener id.
	private final Map<String, AtomicInteger> breakersOpen = new ConcurrentHashMap<>();

	/**
	 * Create the meters.
	 * @param registry where they are registered
	 */
	public ReliableKafkaMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Register the meters that exist from the start: the counters of every listener at 0, the gauge of
	 * partitions in back-off of every listener, and the gauges of records waiting in each watched topic.
	 * @param listeners the listeners' policies
	 * @param partitionBackOff knows which partitions wait out a back-off
	 * @param depths knows how many records wait in each topic
	 */
	public void bind(Collection<ListenerPolicy> listeners, PartitionBackOff partitionBackOff, TopicDepths depths) {
		Set<String> tiers = new HashSet<>();
		for (ListenerPolicy listener : listeners) {
			failed(listener, "retried-in-place", NONE, NONE);
			failed(listener, "forward-failed", NONE, NONE);
			for (DeadLetterReason reason : DeadLetterReason.values()) {
				failed(listener, "dead-lettered", NONE, reason.tag());
			}
			RetryTopicPolicy retryTopic = listener.retryTopic();
			if (retryTopic != null) {
				for (DelayLevel level : retryTopic.reachableLevels()) {
					failed(listener, "forwarded", DurationText.level(level.delay()), NONE);
					tiers.add(level.topic());
				}
			}
			String id = listener.listenerId();
			Gauge.builder(PARTITIONS_BACKOFF, partitionBackOff, backOff -> backOff.waiting(id).size())
				.strongReference(true)
				.description("Partitions of a reliable listener that wait out an in-place back-off")
				.tags(listenerTags(listener))
				.register(this.registry);
			if (listener.breaker().enabled()) {
				for (String state : new String[] { "opened", "reopened", "half-open", "closed" }) {
					transitions(listener, state);
				}
				Gauge.builder(BREAKER_OPEN, breakerOpen(id), AtomicInteger::get)
					.strongReference(true)
					.description("1 while the outage breaker of a reliable listener is open or half-open, else 0")
					.tags(listenerTags(listener))
					.register(this.registry);
			}
		}
		for (String tier : tiers) {
			handOffs(tier);
			handOffsFailed(tier);
		}
		for (TopicDepths.Watched topic : depths.watched()) {
			Gauge.builder(RECORDS_WAITING, depths, source -> {
				Long depth = source.depths().get(topic);
				return (depth != null) ? depth : Double.NaN;
			})
				.strongReference(true)
				.description("Records waiting in a delay tier (not handed over yet), a retry topic or a dead-letter "
						+ "topic (not consumed by the group yet)")
				.tags("kind", topic.kind().tag(), "topic", topic.topic(), "group", topic.group())
				.register(this.registry);
		}
	}

	@Override
	public void retriedInPlace(ListenerPolicy listener) {
		failed(listener, "retried-in-place", NONE, NONE).increment();
	}

	@Override
	public void forwardedToLevel(ListenerPolicy listener, DelayLevel level) {
		failed(listener, "forwarded", DurationText.level(level.delay()), NONE).increment();
	}

	@Override
	public void deadLettered(ListenerPolicy listener, DeadLetterReason reason) {
		failed(listener, "dead-lettered", NONE, reason.tag()).increment();
	}

	@Override
	public void forwardFailed(ListenerPolicy listener) {
		failed(listener, "forward-failed", NONE, NONE).increment();
	}

	@Override
	public void inPlaceAttempts(ListenerPolicy listener, int deliveries) {
		DistributionSummary.builder(RECORD_ATTEMPTS)
			.description("Deliveries a record that failed in place took until it was processed or dead-lettered")
			.tags(listenerTags(listener))
			.register(this.registry)
			.record(deliveries);
	}

	@Override
	public void redeliveryLateness(ListenerPolicy listener, long latenessMillis) {
		Timer.builder(REDELIVERY_LATENESS)
			.description("How long after its due time a record came back from the group's retry topic")
			.tags(listenerTags(listener))
			.publishPercentiles(PERCENTILES)
			.register(this.registry)
			.record(Duration.ofMillis(Math.max(0, latenessMillis)));
	}

	@Override
	public void handedOff(String tier, long dueTime) {
		handOffs(tier).increment();
		if (dueTime > 0) {
			Timer.builder(HANDOFF_LATENESS)
				.description("How long after its due time the scheduler had a delay tier record written to its "
						+ "retry topic")
				.tags("tier", tier)
				.publishPercentiles(PERCENTILES)
				.register(this.registry)
				.record(Math.max(0, System.currentTimeMillis() - dueTime), TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void handOffFailed(String tier) {
		handOffsFailed(tier).increment();
	}

	@Override
	public void breakerOpened(ListenerPolicy listener) {
		transitions(listener, "opened").increment();
		breakerOpen(listener.listenerId()).set(1);
	}

	@Override
	public void breakerReopened(ListenerPolicy listener) {
		transitions(listener, "reopened").increment();
	}

	@Override
	public void breakerHalfOpen(ListenerPolicy listener) {
		transitions(listener, "half-open").increment();
	}

	@Override
	public void breakerClosed(ListenerPolicy listener) {
		transitions(listener, "closed").increment();
		breakerOpen(listener.listenerId()).set(0);
	}

	private AtomicInteger breakerOpen(String listenerId) {
		return this.breakersOpen.computeIfAbsent(listenerId, id -> new AtomicInteger());
	}

	private Counter transitions(ListenerPolicy listener, String state) {
		return Counter.builder(BREAKER_TRANSITIONS)
			.description("State changes of the outage breaker of a reliable listener")
			.tags(listenerTags(listener).and("state", state))
			.register(this.registry);
	}

	private Counter failed(ListenerPolicy listener, String outcome, String level, String reason) {
		return Counter.builder(RECORDS_FAILED)
			.description("Failed records of a reliable listener, by what happened to them")
			.tags(listenerTags(listener).and("outcome", outcome, "level", level, "reason", reason))
			.register(this.registry);
	}

	private Counter handOffs(String tier) {
		return Counter.builder(HANDOFFS)
			.description("Due delay tier records the scheduler handed over")
			.tags("tier", tier)
			.register(this.registry);
	}

	private Counter handOffsFailed(String tier) {
		return Counter.builder(HANDOFFS_FAILED)
			.description("Hand-offs of due delay tier records that failed and are tried again")
			.tags("tier", tier)
			.register(this.registry);
	}

	private static Tags listenerTags(ListenerPolicy listener) {
		return Tags.of("listener", listener.listenerId(), "group", listener.groupId());
	}

}
