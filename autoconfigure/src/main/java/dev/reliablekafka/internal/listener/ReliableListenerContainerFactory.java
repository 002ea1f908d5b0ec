package dev.reliablekafka.internal.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.kafka.config.AbstractKafkaListenerEndpoint;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.function.SingletonSupplier;

import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.retrytopic.OptionalRetryTopics;
import dev.reliablekafka.internal.retrytopic.RetryTopicRebalanceListener;
import dev.reliablekafka.internal.routing.CommitGate;

/**
 * The container factory of reliable listeners. Spring Kafka looks this bean up while it post-processes each
 * {@code @ReliableListener} bean, so it builds its delegate only when the first container is created: by then
 * every singleton exists, and a listener class that also declares beans the factory depends on (a message
 * converter, say) causes no circular reference. A RETRY_TOPIC listener also consumes its group's retry topic, and
 * so does a BLOCKING listener whose group has one (records parked while the group was RETRY_TOPIC).
 */
public class ReliableListenerContainerFactory
		implements KafkaListenerContainerFactory<ConcurrentMessageListenerContainer<Object, Object>> {

	private final SingletonSupplier<ConcurrentKafkaListenerContainerFactory<Object, Object>> delegate;

	private final Supplier<ListenerPolicies> policies;

	private final OptionalRetryTopics optionalRetryTopics = new OptionalRetryTopics();

	/**
	 * Create the factory.
	 * @param delegate builds the configured delegate on first use
	 * @param policies supplies the policies of the reliable listeners
	 */
	public ReliableListenerContainerFactory(Supplier<ConcurrentKafkaListenerContainerFactory<Object, Object>> delegate,
			Supplier<ListenerPolicies> policies) {
		this.delegate = SingletonSupplier.of(() -> {
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = delegate.get();
			addInsideCommitGate(factory.getConsumerFactory(), this.optionalRetryTopics);
			return factory;
		});
		this.policies = policies;
	}

	/**
	 * Add a consumer wrapper inside the commit gate: the failure router finds the gate on the consumer the container
	 * hands it, and pipelines forwards only there, so the gate must stay the outermost wrapper.
	 */
	private static void addInsideCommitGate(ConsumerFactory<Object, Object> consumerFactory,
			ConsumerPostProcessor<Object, Object> wrapper) {
		List<ConsumerPostProcessor<Object, Object>> gates = consumerFactory.getPostProcessors()
			.stream()
			.filter(CommitGate.class::isInstance)
			.toList();
		gates.forEach(consumerFactory::removePostProcessor);
		consumerFactory.addPostProcessor(wrapper);
		gates.forEach(consumerFactory::addPostProcessor);
	}

	/**
	 * Return the configured factory that creates the containers, building it if needed.
	 * @return the delegate
	 */
	public ConcurrentKafkaListenerContainerFactory<Object, Object> getDelegate() {
		return this.delegate.obtain();
	}

	@Override
	public ConcurrentMessageListenerContainer<Object, Object> createListenerContainer(KafkaListenerEndpoint endpoint) {
		String id = endpoint.getId();
		ListenerPolicy policy = (id != null) ? this.policies.get().find(id) : null;
		String retryTopic = (policy != null) ? policy.groupRetryTopic() : null;
		boolean parked = false;
		// As a RocketMQ consumer subscribes to %RETRY%<group>, the listener consumes its group's retry topic; in
		// BLOCKING mode too where the topic exists, since it may hold records parked under an earlier mode.
		if (retryTopic != null && endpoint instanceof AbstractKafkaListenerEndpoint<?, ?> topics
				&& !topics.getTopics().contains(retryTopic)
				&& (policy.retryTopic() != null || (topics.getTopicPattern() == null && !topics.getTopics().isEmpty()))) {
			List<String> all = new ArrayList<>(topics.getTopics());
			all.add(retryTopic);
			topics.setTopics(all.toArray(String[]::new));
			parked = policy.retryTopic() == null;
			if (parked) {
				this.optionalRetryTopics.add(retryTopic);
			}
		}
		ConcurrentMessageListenerContainer<Object, Object> container = getDelegate().createListenerContainer(endpoint);
		if (parked) {
			// As for RETRY_TOPIC (see ReliableContainerFactoryBuilder): no record of the retry topic is passed over.
			ContainerProperties properties = container.getContainerProperties();
			properties.setConsumerRebalanceListener(
					new RetryTopicRebalanceListener(retryTopic, properties.getConsumerRebalanceListener()));
			properties.setAssignmentCommitOption(ContainerProperties.AssignmentCommitOption.NEVER);
		}
		return container;
	}

	@Override
	public ConcurrentMessageListenerContainer<Object, Object> createContainer(TopicPartitionOffset... topicPartitions) {
		return getDelegate().createContainer(topicPartitions);
	}

	@Override
	public ConcurrentMessageListenerContainer<Object, Object> createContainer(String... topics) {
		return getDelegate().createContainer(topics);
	}

	@Override
	public ConcurrentMessageListenerContainer<Object, Object> createContainer(Pattern topicPattern) {
		return getDelegate().createContainer(topicPattern);
	}

}
