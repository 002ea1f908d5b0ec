package dev.reliablekafka.listener;

import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.function.SingletonSupplier;

/**
 * The container factory of reliable listeners. Spring Kafka looks this bean up while it post-processes each
 * {@code @ReliableListener} bean, so it builds its delegate only when the first container is created: by then
 * every singleton exists, and a listener class that also declares beans the factory depends on (a message
 * converter, say) causes no circular reference.
 */
public class ReliableListenerContainerFactory
		implements KafkaListenerContainerFactory<ConcurrentMessageListenerContainer<Object, Object>> {

	private final SingletonSupplier<ConcurrentKafkaListenerContainerFactory<Object, Object>> delegate;

	/**
	 * Create the factory.
	 * @param delegate builds the configured delegate on first use
	 */
	public ReliableListenerContainerFactory(Supplier<ConcurrentKafkaListenerContainerFactory<Object, Object>> delegate) {
		this.delegate = SingletonSupplier.of(delegate);
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
		return getDelegate().createListenerContainer(endpoint);
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
