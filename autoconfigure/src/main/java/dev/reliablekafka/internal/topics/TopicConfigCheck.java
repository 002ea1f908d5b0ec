package dev.reliablekafka.internal.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

import dev.reliablekafka.internal.support.DurationText;

/**
 * Warns at start-up about existing delay tiers and retry topics that would delete records before they are handed
 * over (a retention shorter than their longest delay needs), and about delay tiers whose records are not stamped
 * by the broker. Existing topics are the operators' to change, so this only warns, one line per topic.
 */
final class TopicConfigCheck {

	private static final LogAccessor logger = new LogAccessor(TopicConfigCheck.class);

	private TopicConfigCheck() {
	}

	static void warnAboutUnsafeConfigs(Admin admin, Collection<TopicRequirement> existing, Duration timeout) {
		Map<ConfigResource, TopicRequirement> checked = existing.stream()
			.filter(requirement -> requirement.kind() != TopicRequirement.Kind.DEAD_LETTER)
			.collect(Collectors.toMap(requirement -> new ConfigResource(ConfigResource.Type.TOPIC, requirement.name()),
					Function.identity()));
		if (checked.isEmpty()) {
			return;
		}
		Map<ConfigResource, Config> configs;
		try {
			configs = admin.describeConfigs(checked.keySet()).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.warn(() -> "Could not check the retention of " + checked.values().stream()
				.map(TopicRequirement::name)
				.sorted()
				.toList() + " (" + ((ex.getCause() != null) ? ex.getCause() : ex) + ")");
			return;
		}
		checked.forEach((resource, requirement) -> {
			Config config = configs.get(resource);
			if (config != null) {
				warnAboutRetention(requirement, config.get(TopicConfig.RETENTION_MS_CONFIG));
				if (requirement.kind() == TopicRequirement.Kind.DELAY_TIER) {
					warnAboutTimestampType(requirement, config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
				}
			}
		});
	}

	private static void warnAboutRetention(TopicRequirement requirement, @Nullable ConfigEntry entry) {
		Long retention = (entry != null && entry.value() != null) ? Long.valueOf(entry.value()) : null;
		Duration needed = requirement.neededRetention();
		if (retention == null || retention < 0 || retention >= needed.toMillis()) {
			return; // -1 keeps records for ever
		}
		logger.warn(() -> "Topic " + requirement.name() + " has retention.ms=" + retention + " ("
				+ DurationText.level(Duration.ofMillis(retention)) + "), but holds records that wait up to "
				+ DurationText.level(requirement.longestDelay()) + ": they can be deleted before they are handed "
				+ "over. Set its retention.ms to at least " + needed.toMillis() + " (" + DurationText.level(needed)
				+ "), better " + requirement.retentionToCreate().toMillis() + " ("
				+ DurationText.level(requirement.retentionToCreate()) + ").");
	}

	private static void warnAboutTimestampType(TopicRequirement requirement, @Nullable ConfigEntry entry) {
		if (entry != null && !TimestampType.LOG_APPEND_TIME.name.equals(entry.value())) {
			logger.warn(() -> "Delay tier " + requirement.name() + " has " + TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG
					+ "=" + entry.value() + "; set it to " + TimestampType.LOG_APPEND_TIME.name
					+ " so that the broker's clock, not a producer's, stamps when a record started waiting.");
		}
	}

}
