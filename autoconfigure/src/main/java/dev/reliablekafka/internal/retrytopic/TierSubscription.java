package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * The topics the scheduler consumes: the tiers today's listeners reach, and every other tier of the namespace
 * that exists when the scheduler starts, whatever configuration created it. Records parked under other delay
 * levels, or by listeners that are now BLOCKING or gone, are so still handed over. A tier created later belongs
 * to the configuration of the instance that created it, whose scheduler consumes it. The tiers are named, not
 * subscribed to by pattern: a consumer with a pattern subscription can miss a tier that is deleted and created
 * again while it runs until long after.
 */
final class TierSubscription {

	private static final LogAccessor logger = new LogAccessor(TierSubscription.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private TierSubscription() {
	}

	/**
	 * Return the tiers to consume.
	 * @param tiers the tiers of the namespace
	 * @param configured the tiers today's listeners reach
	 * @param adminConfig configuration of an admin client to list the existing tiers, or {@code null}
	 * @return the topics, or {@code null} if the existing tiers could not be listed
	 */
	static @Nullable Set<String> topics(DelayTiers tiers, Collection<String> configured,
			@Nullable Map<String, Object> adminConfig) {
		if (adminConfig == null) {
			return null;
		}
		Admin admin = Admin.create(adminConfig);
		try {
			Set<String> topics = new TreeSet<>(configured);
			admin.listTopics()
				.names()
				.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.stream()
				.filter(topic -> tiers.pattern().matcher(topic).matches())
				.forEach(topics::add);
			return topics;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			logger.warn(ex, "Could not list the delay tiers of the namespace");
			return null;
		}
		finally {
			admin.close(Duration.ofSeconds(1));
		}
	}

}
