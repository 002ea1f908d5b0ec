package dev.reliablekafka.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.internal.breaker.OutageBreakers;
import dev.reliablekafka.internal.container.PartitionBackOff;
import dev.reliablekafka.internal.declaration.ReliableListenerScanner;
import dev.reliablekafka.internal.listener.ReliableContainerFactoryBuilder;
import dev.reliablekafka.internal.listener.ReliableListenerContainerFactory;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.DelayLevel;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.ListenerPolicyResolver;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;
import dev.reliablekafka.internal.retrytopic.DelayTierScheduler;
import dev.reliablekafka.internal.retrytopic.DelayTiers;
import dev.reliablekafka.internal.routing.CommitGate;
import dev.reliablekafka.internal.routing.FailureRouter;
import dev.reliablekafka.internal.routing.RecordForwarder;
import dev.reliablekafka.internal.routing.TransactionalIdFencing;
import dev.reliablekafka.internal.support.DurationText;
import dev.reliablekafka.internal.topics.TopicNaming;
import dev.reliablekafka.internal.topics.TopicProvisioner;
import dev.reliablekafka.internal.topics.TopicRequirement;

/**
 * Auto-configuration of {@link ReliableListener @ReliableListener}: the scanning of annotated methods, their
 * policies, the container factory that serves them, the forwarding of failed records and the delay tier
 * scheduler. It registers no global error handler, so plain {@code @KafkaListener}s and the application's own
 * error handler are left as they are.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass({ EnableKafka.class, ConcurrentKafkaListenerContainerFactoryConfigurer.class })
@ConditionalOnBean(ConcurrentKafkaListenerContainerFactoryConfigurer.class)
@EnableConfigurationProperties(ReliableKafkaProperties.class)
public final class ReliableKafkaAutoConfiguration {

	private static final long SCHEDULER_MAX_BLOCK_MILLIS = 5000;

	/**
	 * The longest a listener's forward may block its consumer thread in {@code send()}, waiting for the metadata of
	 * a missing topic or for buffer space: forwards are not awaited one by one, so the forward timeout bounds the
	 * acknowledgement, and only this bounds how long one unavailable topic holds up the consumer's other partitions.
	 */
	private static final long LISTENER_MAX_BLOCK_MILLIS = 5000;

	@Bean
	@ConfigurationPropertiesBinding
	static DurationListConverter reliableKafkaDurationListConverter() {
		return new DurationListConverter();
	}

	@Bean
	@ConditionalOnMissingBean
	static ReliableListenerScanner reliableListenerScanner() {
		return new ReliableListenerScanner();
	}

	@Bean
	@ConditionalOnMissingBean
	TopicNaming reliableTopicNaming(ReliableKafkaProperties properties, Environment environment) {
		ReliableKafkaProperties.Topics topics = properties.getTopics();
		String namespace = (topics.getNamespace() != null) ? topics.getNamespace()
				: environment.getProperty("spring.application.name");
		return new TopicNaming(topics.getDeadLetter(), topics.getRetry(), topics.getDelay(), namespace);
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerPolicies reliableListenerPolicies(ReliableListenerScanner scanner, ReliableKafkaProperties properties,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, TopicNaming naming) {
		Object groupId = consumerFactory.getObject().getConfigurationProperties().get(ConsumerConfig.GROUP_ID_CONFIG);
		ListenerPolicyResolver resolver = new ListenerPolicyResolver(properties.getDefaults(),
				properties.getListeners(), Objects.toString(groupId, null), naming);
		return new ListenerPolicies(scanner::getDeclarations, resolver);
	}

	@Bean
	@ConditionalOnMissingBean
	TransactionalIdFencing reliableTransactionalIdFencing() {
		return new TransactionalIdFencing();
	}

	@Bean
	@ConditionalOnMissingBean
	RecordForwarder reliableRecordForwarder(ObjectProvider<ProducerFactory<?, ?>> producerFactory,
			KafkaProperties kafkaProperties, ReliableKafkaProperties properties, TransactionalIdFencing fencing,
			ObjectProvider<KafkaListenerEndpointRegistry> registry, ObjectProvider<ListenerPolicies> policies) {
		// One producer at a time per consumer thread of the reliable containers.
		return forwarder(producerFactory, kafkaProperties, properties, "reliable-", LISTENER_MAX_BLOCK_MILLIS, fencing,
				() -> consumerThreads(registry.getIfAvailable(), policies.getObject()),
				"reliableKafkaProducerFactory");
	}

	@Bean
	@ConditionalOnMissingBean
	PartitionBackOff reliablePartitionBackOff() {
		return new PartitionBackOff();
	}

	@Bean
	@ConditionalOnMissingBean
	OutageBreakers reliableOutageBreakers(PartitionBackOff partitionBackOff) {
		return new OutageBreakers(partitionBackOff);
	}

	@Bean(ReliableListener.CONTAINER_FACTORY_BEAN_NAME)
	@ConditionalOnMissingBean(name = ReliableListener.CONTAINER_FACTORY_BEAN_NAME)
	ReliableListenerContainerFactory reliableKafkaListenerContainerFactory(
			ObjectProvider<ConcurrentKafkaListenerContainerFactoryConfigurer> configurer,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, ObjectProvider<ListenerPolicies> policies,
			ObjectProvider<RecordForwarder> forwarder, ObjectProvider<PartitionBackOff> partitionBackOff,
			ObjectProvider<ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>>> customizer,
			ObjectProvider<ReliableEvents> events, ObjectProvider<OutageBreakers> breakers) {
		// Collaborators are looked up on first use: see ReliableListenerContainerFactory.
		return new ReliableListenerContainerFactory(() -> new ReliableContainerFactoryBuilder(configurer.getObject(),
				consumerFactory.getObject(), policies.getObject(), (ListenerPolicy policy) -> {
					ReliableEvents listenerEvents = ReliableEvents.of(events.orderedStream().toList());
					return new FailureRouter(policy, forwarder.getObject(), partitionBackOff.getObject(), listenerEvents,
							breakers.getObject().forListener(policy, listenerEvents));
				})
			.customizer(customizer.getIfUnique())
			.events(ReliableEvents.of(events.orderedStream().toList()))
			.transactional(forwarder.getObject().isTransactional())
			.commitGate(new CommitGate(forwarder.getObject().timeout()))
			.build(), policies::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	DelayTierScheduler reliableDelayTierScheduler(ListenerPolicies policies,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, ObjectProvider<ProducerFactory<?, ?>> producerFactory,
			TopicNaming naming, PartitionBackOff partitionBackOff, ReliableKafkaProperties properties,
			KafkaProperties kafkaProperties, ObjectProvider<KafkaAdmin> kafkaAdmin, Environment environment,
			TransactionalIdFencing fencing, ObjectProvider<ReliableEvents> events) {
		DelayTierScheduler scheduler = new DelayTierScheduler(
				() -> policies.all().isEmpty() ? null
						: DelayTiers.of(properties.getTopics().getDelay(), namespace(properties, environment)),
				() -> delayTiers(policies),
				consumerFactory.getObject().getConfigurationProperties(),
				() -> schedulerGroup(properties, namespace(properties, environment)),
				schedulerForwarder(producerFactory, kafkaProperties, properties, fencing, policies), naming,
				partitionBackOff);
		Duration authRetry = kafkaProperties.getListener().getAuthExceptionRetryInterval();
		if (authRetry != null) {
			scheduler.setAuthExceptionRetryInterval(authRetry);
		}
		kafkaAdmin.ifAvailable(admin -> scheduler.setAdminConfig(admin.getConfigurationProperties()));
		Duration patience = properties.getTopics().getUnavailablePatience();
		if (patience.isNegative()) {
			throw new ReliableKafkaConfigurationException(null, "reliable.kafka.topics.unavailable-patience",
					"is " + DurationText.of(patience) + " but must not be negative",
					"Set 0s to move records on at once, or how long they may wait, e.g. 5m.");
		}
		scheduler.setUnavailableTopicPatience(patience);
		scheduler.setEvents(ReliableEvents.of(events.orderedStream().toList()));
		// Metrics listeners of the application's consumer factory see the scheduler's consumers too.
		scheduler.setConsumerListeners(consumerListeners(consumerFactory.getObject()));
		return scheduler;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static List<ConsumerFactory.Listener<byte[], byte[]>> consumerListeners(ConsumerFactory<?, ?> factory) {
		return (List) factory.getListeners();
	}

	/**
	 * The scheduler's own producer: like the listeners' one, but it waits at most a few seconds for metadata,
	 * since its single thread serves every tier partition.
	 */
	private static RecordForwarder schedulerForwarder(ObjectProvider<ProducerFactory<?, ?>> producerFactory,
			KafkaProperties kafkaProperties, ReliableKafkaProperties properties, TransactionalIdFencing fencing,
			ListenerPolicies policies) {
		// Its single consumer thread runs whenever a reliable listener exists.
		return forwarder(producerFactory, kafkaProperties, properties, "reliable-scheduler-",
				SCHEDULER_MAX_BLOCK_MILLIS, fencing, () -> policies.all().isEmpty() ? 0 : 1,
				"reliableKafkaSchedulerProducerFactory");
	}

	/**
	 * A forwarder over a byte-array producer with the application's producer settings, where a forward counts only
	 * once every in-sync replica has the record.
	 * @param transactionIdSuffix appended to the application's transaction id prefix, so that the application's
	 * producers and ours never fence each other
	 * @param maxBlockCap the longest {@code max.block.ms}
	 * @param fencing fences at start-up the transactional ids of the producers used at once
	 * @param producers how many producers are used at once
	 * @param name names the producer factory, and so its producers' client metrics
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RecordForwarder forwarder(ObjectProvider<ProducerFactory<?, ?>> producerFactory,
			KafkaProperties kafkaProperties, ReliableKafkaProperties properties, String transactionIdSuffix,
			long maxBlockCap, TransactionalIdFencing fencing, IntSupplier producers, String name) {
		ProducerFactory<?, ?> application = producerFactory.getObject();
		Map<String, Object> config = new HashMap<>(application.getConfigurationProperties());
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		long maxBlock = Long.parseLong(String.valueOf(config.getOrDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG,
				properties.getForwardTimeout().toMillis())));
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(maxBlock, maxBlockCap));
		// Forwards are awaited by the next commit at the latest, so lingering for a fuller batch only adds latency.
		config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
		DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(config,
				new ByteArraySerializer(), new ByteArraySerializer());
		factory.setBeanName(name);
		// Metrics listeners of the application's producer factory see our producers too.
		application.getListeners().forEach(listener -> factory.addListener((ProducerFactory.Listener) listener));
		String transactionIdPrefix = kafkaProperties.getProducer().getTransactionIdPrefix();
		if (transactionIdPrefix != null) {
			factory.setTransactionIdPrefix(transactionIdPrefix + transactionIdSuffix);
			fencing.manage(factory, producers);
		}
		return new RecordForwarder(factory, properties.getForwardTimeout());
	}

	private static int consumerThreads(@Nullable KafkaListenerEndpointRegistry registry, ListenerPolicies policies) {
		int threads = 0;
		for (ListenerPolicy policy : policies.all()) {
			MessageListenerContainer container = (registry != null)
					? registry.getListenerContainer(policy.listenerId()) : null;
			if (container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent) {
				threads += concurrent.getConcurrency();
			}
			else if (container != null) {
				threads++;
			}
		}
		return threads;
	}

	static @Nullable String namespace(ReliableKafkaProperties properties, Environment environment) {
		String namespace = properties.getTopics().getNamespace();
		return (namespace != null) ? namespace : environment.getProperty("spring.application.name");
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(CreatesOrVerifiesTopics.class)
	TopicProvisioner reliableTopicProvisioner(KafkaAdmin kafkaAdmin, ListenerPolicies policies,
			ReliableKafkaProperties properties) {
		ReliableKafkaProperties.Topics topics = properties.getTopics();
		return new TopicProvisioner(kafkaAdmin.getConfigurationProperties(), () -> forwardingTopics(policies),
				topics.isCreate(), topics.getPartitions(), topics.getReplicationFactor(),
				topics.getDeadLetterRetention(), topics.getProvisioningTimeout());
	}

	static String schedulerGroup(ReliableKafkaProperties properties, @Nullable String namespace) {
		String template = properties.getTopics().getSchedulerGroup();
		// The scheduler runs only when the namespace is known, if its tiers need one.
		return (namespace != null) ? template.replace(TopicNaming.NAMESPACE, namespace) : template;
	}

	static Collection<String> delayTiers(ListenerPolicies policies) {
		Set<String> topics = new LinkedHashSet<>();
		policies.all()
			.stream()
			.map(ListenerPolicy::retryTopic)
			.filter(Objects::nonNull)
			.flatMap(retryTopic -> retryTopic.reachableLevels().stream())
			.map(DelayLevel::topic)
			.forEach(topics::add);
		return topics;
	}

	private static Collection<TopicRequirement> forwardingTopics(ListenerPolicies policies) {
		List<TopicRequirement> topics = new ArrayList<>();
		for (ListenerPolicy policy : policies.all()) {
			if (policy.deadLetterTopic() != null) {
				topics.add(TopicRequirement.deadLetter(policy.deadLetterTopic()));
			}
			RetryTopicPolicy retryTopic = policy.retryTopic();
			if (retryTopic != null) {
				List<DelayLevel> levels = retryTopic.reachableLevels();
				levels.forEach(level -> topics.add(TopicRequirement.delayTier(level.topic(), level.delay())));
				topics.add(TopicRequirement.retry(retryTopic.retryTopic(),
						levels.stream().map(DelayLevel::delay).max(Duration::compareTo).orElse(Duration.ZERO)));
			}
		}
		return topics;
	}

	/**
	 * Topics are provisioned unless they are neither created nor verified.
	 */
	static final class CreatesOrVerifiesTopics extends AnyNestedCondition {

		CreatesOrVerifiesTopics() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "reliable.kafka.topics.create", matchIfMissing = true)
		static final class Creates {

		}

		@ConditionalOnProperty(name = "reliable.kafka.topics.verify", matchIfMissing = true)
		static final class Verifies {

		}

	}

}
