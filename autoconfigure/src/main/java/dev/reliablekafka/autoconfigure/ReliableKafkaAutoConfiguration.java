package dev.reliablekafka.autoconfigure;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableListenerScanner;
import dev.reliablekafka.blocking.PartitionBackOff;
import dev.reliablekafka.listener.ReliableContainerFactoryBuilder;
import dev.reliablekafka.listener.ReliableListenerContainerFactory;
import dev.reliablekafka.policy.ListenerPolicies;
import dev.reliablekafka.policy.ListenerPolicy;
import dev.reliablekafka.policy.ListenerPolicyResolver;
import dev.reliablekafka.routing.FailureRouter;
import dev.reliablekafka.routing.RecordForwarder;
import dev.reliablekafka.topics.TopicNaming;
import dev.reliablekafka.topics.TopicProvisioner;

/**
 * Auto-configuration of {@link ReliableListener @ReliableListener}: the scanning of annotated methods, their
 * policies, the container factory that serves them and the forwarding of failed records. It registers no global
 * error handler, so plain {@code @KafkaListener}s and the application's own error handler are left as they are.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass({ EnableKafka.class, ConcurrentKafkaListenerContainerFactoryConfigurer.class })
@ConditionalOnBean(ConcurrentKafkaListenerContainerFactoryConfigurer.class)
@EnableConfigurationProperties(ReliableKafkaProperties.class)
public final class ReliableKafkaAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static ReliableListenerScanner reliableListenerScanner() {
		return new ReliableListenerScanner();
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerPolicies reliableListenerPolicies(ReliableListenerScanner scanner, ReliableKafkaProperties properties,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory) {
		Object groupId = consumerFactory.getObject().getConfigurationProperties().get(ConsumerConfig.GROUP_ID_CONFIG);
		TopicNaming naming = new TopicNaming(properties.getTopics().getDeadLetter(),
				"reliable.kafka.topics.dead-letter");
		ListenerPolicyResolver resolver = new ListenerPolicyResolver(properties.getDefaults(),
				properties.getListeners(), Objects.toString(groupId, null), naming);
		return new ListenerPolicies(scanner::getDeclarations, resolver);
	}

	@Bean
	@ConditionalOnMissingBean
	RecordForwarder reliableRecordForwarder(ObjectProvider<ProducerFactory<?, ?>> producerFactory,
			ReliableKafkaProperties properties) {
		Map<String, Object> config = new HashMap<>(producerFactory.getObject().getConfigurationProperties());
		// A forward counts only once every in-sync replica has the record.
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, properties.getForwardTimeout().toMillis());
		DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(config,
				new ByteArraySerializer(), new ByteArraySerializer());
		return new RecordForwarder(factory, properties.getForwardTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	PartitionBackOff reliablePartitionBackOff() {
		return new PartitionBackOff();
	}

	@Bean(ReliableListener.CONTAINER_FACTORY_BEAN_NAME)
	@ConditionalOnMissingBean(name = ReliableListener.CONTAINER_FACTORY_BEAN_NAME)
	ReliableListenerContainerFactory reliableKafkaListenerContainerFactory(
			ObjectProvider<ConcurrentKafkaListenerContainerFactoryConfigurer> configurer,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, ObjectProvider<ListenerPolicies> policies,
			ObjectProvider<RecordForwarder> forwarder, ObjectProvider<PartitionBackOff> partitionBackOff,
			ObjectProvider<ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>>> customizer) {
		// Collaborators are looked up on first use: see ReliableListenerContainerFactory.
		return new ReliableListenerContainerFactory(() -> new ReliableContainerFactoryBuilder(configurer.getObject(),
				consumerFactory.getObject(), policies.getObject(),
				(ListenerPolicy policy) -> new FailureRouter(policy, forwarder.getObject(), partitionBackOff.getObject()))
			.customizer(customizer.getIfUnique())
			.build());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "reliable.kafka.topics.create", matchIfMissing = true)
	TopicProvisioner reliableTopicProvisioner(KafkaAdmin kafkaAdmin, ListenerPolicies policies,
			ReliableKafkaProperties properties) {
		ReliableKafkaProperties.Topics topics = properties.getTopics();
		return new TopicProvisioner(kafkaAdmin.getConfigurationProperties(), () -> deadLetterTopics(policies),
				topics.getPartitions(), topics.getReplicationFactor(), topics.getProvisioningTimeout());
	}

	private static Collection<String> deadLetterTopics(ListenerPolicies policies) {
		return policies.all()
			.stream()
			.filter(ListenerPolicy::deadLetterEnabled)
			.map(ListenerPolicy::deadLetterTopic)
			.map(Objects::requireNonNull)
			.toList();
	}

}
