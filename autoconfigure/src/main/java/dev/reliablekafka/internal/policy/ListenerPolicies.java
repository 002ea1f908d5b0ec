package dev.reliablekafka.internal.policy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.internal.declaration.ListenerDeclaration;

/**
 * The resolved policy of every reliable listener of the application. Policies are resolved, all at once, the
 * first time one is asked for, and at the latest when all singletons exist, so that a bad setting fails the
 * start-up even for a listener whose container is never created.
 */
public class ListenerPolicies implements SmartInitializingSingleton {

	private final Supplier<List<ListenerDeclaration>> declarations;

	private final ListenerPolicyResolver resolver;

	private @Nullable Map<String, ListenerPolicy> policies;

	/**
	 * Create the registry.
	 * @param declarations supplies every declared listener once all singletons exist
	 * @param resolver the resolver
	 */
	public ListenerPolicies(Supplier<List<ListenerDeclaration>> declarations, ListenerPolicyResolver resolver) {
		this.declarations = declarations;
		this.resolver = resolver;
	}

	@Override
	public void afterSingletonsInstantiated() {
		policies();
	}

	/**
	 * Return the policy of a listener.
	 * @param listenerId the listener id
	 * @return the policy, or {@code null} if no reliable listener has this id
	 */
	public @Nullable ListenerPolicy find(String listenerId) {
		return policies().get(listenerId);
	}

	/**
	 * Return every policy.
	 * @return the policies, in declaration order
	 */
	public Collection<ListenerPolicy> all() {
		return policies().values();
	}

	// Listeners of one group consuming one retry topic would receive each other's retries.
	private static void checkRetryTopicsNotShared(Collection<ListenerPolicy> policies) {
		Map<String, ListenerPolicy> byRetryTopic = new LinkedHashMap<>();
		for (ListenerPolicy policy : policies) {
			RetryTopicPolicy retryTopic = policy.retryTopic();
			if (retryTopic == null) {
				continue;
			}
			ListenerPolicy other = byRetryTopic.putIfAbsent(retryTopic.retryTopic(), policy);
			if (other != null) {
				throw new ReliableKafkaConfigurationException(policy.listenerId(), "group '" + policy.groupId() + "'",
						"is also the group of RETRY_TOPIC listener '" + other.listenerId()
								+ "': both would consume " + retryTopic.retryTopic() + " and get each other's retries",
						"Give each RETRY_TOPIC listener its own consumer group.");
			}
		}
	}

	/**
	 * Leave the group's retry topic to one listener: a BLOCKING listener consumes it only when no other reliable
	 * listener shares its group, since a record there was parked by one particular listener and must not reach
	 * another's method.
	 */
	private static Map<String, ListenerPolicy> withGroupRetryTopicsUnshared(Map<String, ListenerPolicy> resolved) {
		Map<String, Long> listenersPerGroup = new LinkedHashMap<>();
		resolved.values().forEach(policy -> listenersPerGroup.merge(policy.groupId(), 1L, Long::sum));
		Map<String, ListenerPolicy> result = new LinkedHashMap<>();
		resolved.forEach((id, policy) -> result.put(id, (policy.retryTopic() == null
				&& listenersPerGroup.get(policy.groupId()) > 1) ? policy.withoutGroupRetryTopic() : policy));
		return result;
	}

	private synchronized Map<String, ListenerPolicy> policies() {
		if (this.policies == null) {
			List<ListenerDeclaration> all = this.declarations.get();
			this.resolver.checkOverridesMatch(all);
			Map<String, ListenerPolicy> resolved = new LinkedHashMap<>();
			all.forEach(declaration -> resolved.put(declaration.id(), this.resolver.resolve(declaration)));
			checkRetryTopicsNotShared(resolved.values());
			this.policies = withGroupRetryTopicsUnshared(resolved);
		}
		return this.policies;
	}

}
