package dev.reliablekafka.internal.actuate;

import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

import dev.reliablekafka.deadletter.DeadLetterQuery;
import dev.reliablekafka.deadletter.DeadLetters;
import dev.reliablekafka.deadletter.InvalidDeadLetterRequestException;
import dev.reliablekafka.deadletter.RedriveRequest;
import dev.reliablekafka.internal.policy.BreakerPolicy;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;
import dev.reliablekafka.internal.support.DurationText;
import dev.reliablekafka.internal.topics.TopicDepths;

/**
 * The {@code reliablekafka} actuator endpoint. {@code GET /actuator/reliablekafka} lists the reliable listeners
 * with their resolved policies and topics; {@code GET /actuator/reliablekafka/{group}/dead-letters} browses a
 * group's dead-letter records; {@code POST /actuator/reliablekafka/{group}/redrive} redrives them (a dry run
 * unless {@code "dryRun": false}, which needs {@code reliable.kafka.redrive.enabled=true}). Exposed like any other
 * endpoint, through {@code management.endpoints.web.exposure.include}; secure it as the application secures its
 * actuator. A request that cannot be served gets a 400 with the reason, and nothing is changed.
 */
@WebEndpoint(id = "reliablekafka")
public class ReliableKafkaEndpoint {

	static final String DEAD_LETTERS = "dead-letters";

	static final String REDRIVE = "redrive";

	private static final int FORBIDDEN = 403;

	private final ListenerPolicies policies;

	private final DeadLetters deadLetters;

	private final boolean redriveEnabled;

	private final double rate;

	private final @Nullable TopicDepths depths;

	/**
	 * Create the endpoint.
	 * @param policies the reliable listeners
	 * @param deadLetters their dead-letter topics
	 * @param redriveEnabled whether redrives other than dry runs are allowed
	 * @param rate the default rate of a redrive, records per second
	 */
	public ReliableKafkaEndpoint(ListenerPolicies policies, DeadLetters deadLetters, boolean redriveEnabled,
			double rate) {
		this(policies, deadLetters, redriveEnabled, rate, null);
	}

	/**
	 * Create the endpoint.
	 * @param policies the reliable listeners
	 * @param deadLetters their dead-letter topics
	 * @param redriveEnabled whether redrives other than dry runs are allowed
	 * @param rate the default rate of a redrive, records per second
	 * @param depths the records waiting in the listeners' topics, or {@code null} if they are not measured
	 */
	public ReliableKafkaEndpoint(ListenerPolicies policies, DeadLetters deadLetters, boolean redriveEnabled,
			double rate, @Nullable TopicDepths depths) {
		this.policies = policies;
		this.deadLetters = deadLetters;
		this.redriveEnabled = redriveEnabled;
		this.rate = rate;
		this.depths = depths;
	}

	/**
	 * Return every reliable listener with its policy and topics.
	 * @return the overview
	 */
	@ReadOperation
	public ReliableKafkaOverview overview() {
		List<ReliableKafkaOverview.Listener> listeners = this.policies.all().stream().map(this::listener).toList();
		return new ReliableKafkaOverview(listeners,
				new ReliableKafkaOverview.Redrive(this.redriveEnabled, this.deadLetters.maxRedrives(), this.rate));
	}

	/**
	 * Browse a group's dead-letter records, newest first.
	 * @param group the consumer group
	 * @param resource {@value #DEAD_LETTERS}
	 * @param limit how many records, 1 to 1000 (20 when absent)
	 * @param from only records dead-lettered at or after this time (ISO-8601 or epoch ms)
	 * @param to only records dead-lettered at or before this time (ISO-8601 or epoch ms)
	 * @param exception only records that failed with this exception class (fully qualified or simple name)
	 * @return the records, or 400 with the reason
	 */
	@ReadOperation
	public WebEndpointResponse<Object> deadLetters(@Selector String group, @Selector String resource,
			@Nullable String limit, @Nullable String from, @Nullable String to, @Nullable String exception) {
		if (!DEAD_LETTERS.equals(resource)) {
			return notFound(resource, DEAD_LETTERS);
		}
		try {
			Integer count = RequestValues.integer("limit", limit);
			DeadLetterQuery query = new DeadLetterQuery((count != null) ? count : DeadLetterQuery.DEFAULT_LIMIT,
					RequestValues.instant("from", from), RequestValues.instant("to", to), exception);
			return new WebEndpointResponse<>(this.deadLetters.browse(group, query));
		}
		catch (InvalidDeadLetterRequestException ex) {
			return badRequest(ex);
		}
	}

	/**
	 * Redrive a group's dead-letter records. Fields of the JSON body, all optional and flat (Boot reads the body
	 * as a map of single values): {@code from}, {@code to}, {@code exception}, {@code messageIds} (separated by
	 * commas), {@code maxCount}, {@code dryRun} (true when absent), {@code rate} (records per second), {@code target}
	 * ({@code RETRY}, the default, or {@code ORIGINAL}).
	 * @param group the consumer group
	 * @param resource {@value #REDRIVE}
	 * @param from only records dead-lettered at or after this time
	 * @param to only records dead-lettered at or before this time
	 * @param exception only records that failed with this exception class
	 * @param messageIds only records with these message ids, separated by commas
	 * @param maxCount records to move at most
	 * @param dryRun whether to only report what would be moved
	 * @param rate records per second at most
	 * @param target {@code RETRY} or {@code ORIGINAL}
	 * @param securityContext who asks, for the audit line
	 * @return what was moved or would be, 400 for a bad request, 403 when redrives are disabled
	 */
	@WriteOperation
	public WebEndpointResponse<Object> redrive(@Selector String group, @Selector String resource,
			@Nullable String from, @Nullable String to, @Nullable String exception, @Nullable Object messageIds,
			@Nullable Object maxCount, @Nullable Object dryRun, @Nullable Object rate, @Nullable String target,
			SecurityContext securityContext) {
		if (!REDRIVE.equals(resource)) {
			return notFound(resource, REDRIVE);
		}
		try {
			RedriveRequest request = new RedriveRequest(RequestValues.instant("from", from),
					RequestValues.instant("to", to), exception, RequestValues.strings("messageIds", messageIds),
					RequestValues.integer("maxCount", maxCount), RequestValues.bool("dryRun", dryRun, true),
					RequestValues.number("rate", rate), RequestValues.target(target));
			this.deadLetters.deadLetterTopic(group);
			if (!request.dryRun() && !this.redriveEnabled) {
				return new WebEndpointResponse<>(Map.of("error", "redrive is disabled: set "
						+ "reliable.kafka.redrive.enabled=true to move records (dry runs are always answered)"),
						FORBIDDEN);
			}
			Principal principal = securityContext.getPrincipal();
			return new WebEndpointResponse<>(this.deadLetters.redrive(group, request,
					(principal != null) ? principal.getName() : "anonymous actuator request"));
		}
		catch (InvalidDeadLetterRequestException ex) {
			return badRequest(ex);
		}
	}

	private ReliableKafkaOverview.Listener listener(ListenerPolicy policy) {
		RetryTopicPolicy retryTopic = policy.retryTopic();
		List<String> tiers = (retryTopic != null)
				? retryTopic.reachableLevels().stream().map(DelayLevel::topic).toList() : List.of();
		ReliableKafkaOverview.Topics topics = new ReliableKafkaOverview.Topics(policy.topics(),
				policy.groupRetryTopic(), policy.deadLetterTopic(), tiers);
		ReliableKafkaOverview.Blocking blocking = new ReliableKafkaOverview.Blocking(
				duration(policy.blocking().initialInterval()), policy.blocking().multiplier(),
				duration(policy.blocking().maxInterval()), duration(policy.blocking().jitter()),
				policy.blocking().maxAttempts());
		ReliableKafkaOverview.RetryTopic retry = (retryTopic != null) ? new ReliableKafkaOverview.RetryTopic(
				retryTopic.levels().stream().map(level -> DurationText.level(level.delay())).toList(),
				retryTopic.firstDelayLevel(), retryTopic.maxReconsumeTimes()) : null;
		BreakerPolicy breaker = policy.breaker();
		ReliableKafkaOverview.Breaker breakerSettings = new ReliableKafkaOverview.Breaker(breaker.enabled(),
				breaker.window(), breaker.failureRate(), breaker.minFailures(), duration(breaker.firstWait()),
				breaker.waitMultiplier(), duration(breaker.maxWait()),
				breaker.outageExceptions().stream().map(Class::getName).toList());
		ReliableKafkaOverview.Policy resolved = new ReliableKafkaOverview.Policy(blocking, retry,
				policy.deadLetterEnabled(), policy.notRetryable().stream().map(Class::getName).toList(),
				breakerSettings);
		return new ReliableKafkaOverview.Listener(policy.listenerId(), policy.groupId(), policy.mode().name(), topics,
				resolved, policy.origins(), depths(policy, tiers));
	}

	/**
	 * Records waiting in the listener's retry and dead-letter topics (for its group) and in its delay tiers (for
	 * the scheduler), as last measured.
	 */
	private Map<String, Long> depths(ListenerPolicy policy, List<String> tiers) {
		TopicDepths measured = this.depths;
		if (measured == null) {
			return Map.of();
		}
		Map<String, Long> depths = new LinkedHashMap<>();
		measured.depths().forEach((watched, depth) -> {
			boolean own = watched.group().equals(policy.groupId()) && (watched.topic().equals(policy.groupRetryTopic())
					|| watched.topic().equals(policy.deadLetterTopic()));
			boolean tier = watched.kind() == TopicDepths.Kind.DELAY_TIER && tiers.contains(watched.topic());
			if (own || tier) {
				depths.put(watched.topic(), depth);
			}
		});
		return depths;
	}

	private static String duration(Duration duration) {
		return DurationText.of(duration);
	}

	private static WebEndpointResponse<Object> badRequest(InvalidDeadLetterRequestException ex) {
		return new WebEndpointResponse<>(Map.of("error", Objects.toString(ex.getMessage())),
				WebEndpointResponse.STATUS_BAD_REQUEST);
	}

	private static WebEndpointResponse<Object> notFound(String resource, String expected) {
		return new WebEndpointResponse<>(Map.of("error", "no resource '" + resource + "'; did you mean '" + expected
				+ "'?"), WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
