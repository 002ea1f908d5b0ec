package dev.reliablekafka.internal.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.internal.breaker.OutageBreaker;
import dev.reliablekafka.internal.breaker.OutageBreakers;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.retrytopic.DelayTierScheduler;

/**
 * The {@code reliableKafka} health contributor. DOWN when the delay tier scheduler should run but its consumer is
 * stopped (parked records would never come back), or when the forwards of a listener have failed, without one
 * succeeding, for longer than the threshold (its failed records stay in place meanwhile). The details list every
 * reliable listener with its mode, group, paused partitions and partitions in back-off (and the state of its outage
 * breaker, if it has one), and the scheduler with its assignment. An open outage breaker does not change the
 * status: it protects the listener from an outage of what it calls, which restarting the application would not
 * cure.
 */
public class ReliableKafkaHealthIndicator implements HealthIndicator {

	private final ListenerPolicies policies;

	private final Function<String, @Nullable MessageListenerContainer> containers;

	private final PartitionBackOff partitionBackOff;

	private final ForwardFailures forwardFailures;

	private final @Nullable DelayTierScheduler scheduler;

	private final Duration forwardFailureThreshold;

	private @Nullable OutageBreakers breakers;

	/**
	 * Create the contributor.
	 * @param policies the listeners' policies
	 * @param containers finds the container of a listener id
	 * @param partitionBackOff knows the partitions in back-off
	 * @param forwardFailures knows since when forwards are failing
	 * @param scheduler the delay tier scheduler, or {@code null} if there is none
	 * @param forwardFailureThreshold how long forwards may fail before the health is DOWN
	 */
	public ReliableKafkaHealthIndicator(ListenerPolicies policies,
			Function<String, @Nullable MessageListenerContainer> containers, PartitionBackOff partitionBackOff,
			ForwardFailures forwardFailures, @Nullable DelayTierScheduler scheduler, Duration forwardFailureThreshold) {
		this.policies = policies;
		this.containers = containers;
		this.partitionBackOff = partitionBackOff;
		this.forwardFailures = forwardFailures;
		this.scheduler = scheduler;
		this.forwardFailureThreshold = forwardFailureThreshold;
	}

	/**
	 * Report the state of the listeners' outage breakers too.
	 * @param breakers the breakers, or {@code null}
	 */
	public void setBreakers(@Nullable OutageBreakers breakers) {
		this.breakers = breakers;
	}

	@Override
	public Health health() {
		boolean up = true;
		Instant failingLongerThan = Instant.now().minus(this.forwardFailureThreshold);
		Map<String, Object> listeners = new LinkedHashMap<>();
		for (ListenerPolicy policy : this.policies.all()) {
			String id = policy.listenerId();
			MessageListenerContainer container = this.containers.apply(id);
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("mode", policy.mode().name());
			details.put("group", policy.groupId());
			details.put("running", container != null && container.isRunning());
			details.put("pausedPartitions", (container != null) ? names(paused(container)) : List.of());
			details.put("backOffPartitions", names(this.partitionBackOff.waiting(id)));
			OutageBreaker breaker = (this.breakers != null) ? this.breakers.find(id) : null;
			if (breaker != null) {
				details.put("breaker", breaker.describe());
			}
			Instant since = this.forwardFailures.failingSince(id);
			if (since != null) {
				details.put("forwardsFailingSince", since.toString());
				if (since.isBefore(failingLongerThan)) {
					up = false;
					details.put("problem", "forwards have failed for longer than " + this.forwardFailureThreshold
							+ "; failed records stay in place until a forward succeeds");
				}
			}
			listeners.put(id, details);
		}
		Health.Builder health = up ? Health.up() : Health.down();
		health.withDetail("listeners", listeners);
		if (this.scheduler != null) {
			Map<String, Object> details = new LinkedHashMap<>();
			boolean idle = this.scheduler.isIdle();
			boolean consuming = this.scheduler.isConsuming();
			details.put("group", this.scheduler.groupId());
			details.put("consuming", consuming);
			details.put("assignment", names(this.scheduler.assignedPartitions()));
			if (idle) {
				details.put("idle", "no delay tier to serve");
			}
			else if (!consuming) {
				health.down();
				details.put("problem", "the scheduler's consumer is stopped: records parked in delay tiers are "
						+ "not handed over");
			}
			health.withDetail("scheduler", details);
		}
		return health.build();
	}

	private static List<TopicPartition> paused(MessageListenerContainer container) {
		Collection<TopicPartition> assigned = container.getAssignedPartitions();
		if (assigned == null) {
			return List.of();
		}
		return assigned.stream().filter(container::isPartitionPaused).toList();
	}

	private static List<String> names(Collection<TopicPartition> partitions) {
		return partitions.stream().map(TopicPartition::toString).sorted().toList();
	}

}
