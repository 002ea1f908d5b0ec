package dev.reliablekafka.internal.listener;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.ReflectionUtils;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.internal.blocking.InPlaceRetries;
import dev.reliablekafka.internal.breaker.OutageBreaker;
import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.policy.RetryTopicPolicy;
import dev.reliablekafka.internal.retrytopic.RetryTopicRebalanceListener;
import dev.reliablekafka.internal.routing.FailureRouter;
import dev.reliablekafka.internal.routing.HeaderTrust;
import dev.reliablekafka.internal.routing.RecordOutcomes;

/**
 * Builds the container factory of reliable listeners. Spring Boot's configurer applies every
 * {@code spring.kafka.*} setting, as for the application's own factory; on top of it:
 * <ul>
 * <li>the consumer reads raw bytes and the application's deserializers run just before the listener, so that a
 * failed record can be forwarded exactly as its producer wrote it; each consumer has its own, configured with its
 * configuration as Kafka would;</li>
 * <li>each container gets the failure router of its listener's policy, instead of a global error handler;</li>
 * <li>auto-commit is off, since it would commit past a failing record;</li>
 * <li>each consumer has a commit gate in front of it, so that failed records can be forwarded without waiting:
 * no commit passes a forward the broker has not acknowledged;</li>
 * <li>a RETRY_TOPIC listener reads its group's retry topic from the beginning where the group has no committed
 * offset, whatever {@code auto.offset.reset} says for source topics;</li>
 * <li>containers run without transactions, also when the application has them: with transactions on, the failure
 * router commits each forward and its record's offset in one transaction, and consumers read committed records
 * only.</li>
 * </ul>
 * Start-up fails when {@code spring.kafka.listener.async-acks} is on, or when an application
 * {@code ContainerCustomizer} sets a transaction manager, async acks, a batch listener or an error handler on a
 * reliable container: each of them could acknowledge or skip a record that was not handed over.
 */
public class ReliableContainerFactoryBuilder {

	/** How long a reliable container waits before trying again when the broker refuses its consumer. */
	static final Duration DEFAULT_AUTH_EXCEPTION_RETRY_INTERVAL = Duration.ofSeconds(10);


	private final ConcurrentKafkaListenerContainerFactoryConfigurer bootConfigurer;

	private final ConsumerFactory<?, ?> applicationConsumerFactory;

	private final ListenerPolicies policies;

	private final Function<ListenerPolicy, CommonErrorHandler> routers;

	private @Nullable ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> customizer;

	private @Nullable ConsumerDeserializers deserializers;

	private boolean transactional;

	private @Nullable ConsumerPostProcessor<Object, Object> commitGate;

	private ReliableEvents events = ReliableEvents.NONE;

	/**
	 * Create the builder.
	 * @param bootConfigurer Spring Boot's configurer of listener container factories
	 * @param applicationConsumerFactory the application's consumer factory, whose settings and deserializers
	 * reliable listeners use
	 * @param policies the policies of the reliable listeners
	 * @param routers creates the failure router of a listener
	 */
	public ReliableContainerFactoryBuilder(ConcurrentKafkaListenerContainerFactoryConfigurer bootConfigurer,
			ConsumerFactory<?, ?> applicationConsumerFactory, ListenerPolicies policies,
			Function<ListenerPolicy, CommonErrorHandler> routers) {
		this.bootConfigurer = bootConfigurer;
		this.applicationConsumerFactory = applicationConsumerFactory;
		this.policies = policies;
		this.routers = routers;
	}

	/**
	 * Apply the application's container customizer too, before the reliable settings.
	 * @param customizer the customizer, or {@code null}
	 * @return this builder
	 */
	public ReliableContainerFactoryBuilder customizer(
			@Nullable ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> customizer) {
		this.customizer = customizer;
		return this;
	}

	/**
	 * Say whether forwards are transactional. Each forward then commits the forwarded record's offset in its own
	 * transaction, so reliable consumers must not see the records of aborted forwards.
	 * @param transactional whether the forwarding producer is transactional
	 * @return this builder
	 */
	public ReliableContainerFactoryBuilder transactional(boolean transactional) {
		this.transactional = transactional;
		return this;
	}

	/**
	 * Put a commit gate in front of each reliable consumer, outermost, so that every commit passes it.
	 * @param commitGate the gate, or {@code null}
	 * @return this builder
	 */
	public ReliableContainerFactoryBuilder commitGate(@Nullable ConsumerPostProcessor<Object, Object> commitGate) {
		this.commitGate = commitGate;
		return this;
	}

	/**
	 * Tell what listeners see of their failed records: redelivery lateness, in-place attempts per record.
	 * @param events whom to tell
	 * @return this builder
	 */
	public ReliableContainerFactoryBuilder events(ReliableEvents events) {
		this.events = events;
		return this;
	}

	/**
	 * Build the factory.
	 * @return the factory of reliable listener containers
	 */
	public ConcurrentKafkaListenerContainerFactory<Object, Object> build() {
		Map<String, Object> config = new HashMap<>(this.applicationConsumerFactory.getConfigurationProperties());
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		if (this.transactional) {
			// Records of aborted forwards must not be consumed from the retry topic. Boot always sets an isolation
			// level (read_uncommitted by default), so this one is not a default that a user setting could replace.
			config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		}
		this.deserializers = new ConsumerDeserializers(this.applicationConsumerFactory, config);
		DefaultKafkaConsumerFactory<Object, Object> rawConsumerFactory = new RawBytesConsumerFactory(config,
				this.deserializers);
		copyHooks(rawConsumerFactory);
		if (this.commitGate != null) {
			rawConsumerFactory.addPostProcessor(this.commitGate);
		}

		ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
		this.bootConfigurer.configure(factory, rawConsumerFactory);
		checkBootSettings(factory.getContainerProperties());
		if (factory.getContainerProperties().getAuthExceptionRetryInterval() == null) {
			// Without it spring-kafka stops the container for good when the broker refuses the consumer, e.g. for
			// the while an ACL on the retry topic is being changed; the scheduler tries again likewise.
			factory.getContainerProperties().setAuthExceptionRetryInterval(DEFAULT_AUTH_EXCEPTION_RETRY_INTERVAL);
		}
		factory.setBatchListener(false);
		// The failure router of each listener is its only error handler; with none inherited from the application,
		// customize() can tell whether a customizer set one.
		factory.setCommonErrorHandler(null);
		// Healthy records need no transaction: only a forward is committed with its record's offset, by the failure
		// router. A transaction per record, which Boot's transaction manager would bring, costs most of the
		// throughput and adds nothing the listener's own sends could join.
		factory.getContainerProperties().setKafkaAwareTransactionManager(null);
		factory.setContainerCustomizer(this::customize);
		return factory;
	}

	private void customize(ConcurrentMessageListenerContainer<Object, Object> container) {
		if (this.customizer != null) {
			this.customizer.configure(container);
		}
		CommonErrorHandler customizedErrorHandler = container.getCommonErrorHandler();
		String id = container.getListenerId();
		ListenerPolicy policy = (id != null) ? this.policies.find(id) : null;
		if (policy == null) {
			throw new IllegalStateException("Listener '" + id + "' uses the container factory '"
					+ ReliableListener.CONTAINER_FACTORY_BEAN_NAME
					+ "', which serves @ReliableListener methods only; use @ReliableListener or another factory");
		}
		CommonErrorHandler router = this.routers.apply(policy);
		container.setCommonErrorHandler(router);
		container.setRecordInterceptor(interceptor(policy, router, container.getRecordInterceptor()));
		RetryTopicPolicy retryTopic = policy.retryTopic();
		if (retryTopic != null) {
			ContainerProperties properties = container.getContainerProperties();
			properties.setConsumerRebalanceListener(
					new RetryTopicRebalanceListener(retryTopic.retryTopic(), properties.getConsumerRebalanceListener()));
			properties.setAssignmentCommitOption(ContainerProperties.AssignmentCommitOption.NEVER);
		}
		checkCustomizedContainer(container, policy.listenerId(), customizedErrorHandler);
	}

	// Boot applies spring.kafka.listener.* to this factory as to the application's own.
	private static void checkBootSettings(ContainerProperties properties) {
		if (properties.isAsyncAcks()) {
			throw new ReliableKafkaConfigurationException(null, "spring.kafka.listener.async-acks",
					"is true, but reliable listeners acknowledge records in order: with out-of-order "
							+ "acknowledgements an in-place retry leaves every partition of the consumer paused, and an "
							+ "asynchronous failure is acknowledged before it can be handed over",
					"Remove spring.kafka.listener.async-acks; plain @KafkaListeners that need async acks can use a "
							+ "container factory of their own.");
		}
	}

	/**
	 * Whether a container transaction would start: the setter of a plain transaction manager is deprecated for
	 * removal in spring-kafka 4.1 but still starts one where it exists, so it is looked up, not linked against.
	 */
	private static boolean hasTransactionManager(ContainerProperties properties) {
		if (properties.getKafkaAwareTransactionManager() != null) {
			return true;
		}
		Method plain = ReflectionUtils.findMethod(ContainerProperties.class, "getTransactionManager");
		return plain != null && ReflectionUtils.invokeMethod(plain, properties) != null;
	}

	/**
	 * Reject what an application customizer did that would let a reliable container lose or skip records. Runs
	 * after every customizer and every reliable setting, so nothing changes the container afterwards (a
	 * {@code containerPostProcessor} is rejected with the listener's signature).
	 */
	private static void checkCustomizedContainer(ConcurrentMessageListenerContainer<Object, Object> container,
			String id, @Nullable CommonErrorHandler customizedErrorHandler) {
		ContainerProperties properties = container.getContainerProperties();
		String leaveAlone = "Make the ContainerCustomizer leave reliable listeners alone, e.g. by skipping the "
				+ "containers whose getListenerId() is one of theirs.";
		if (hasTransactionManager(properties)) {
			throw new ReliableKafkaConfigurationException(id, "the container's transaction manager",
					"was set by a ContainerCustomizer: in a container transaction a failed record goes to the "
							+ "after-rollback processor instead of the failure router, and is skipped after its retries",
					leaveAlone + " With spring.kafka.producer.transaction-id-prefix set, Reliable Kafka makes every "
							+ "hand-off transactional by itself.");
		}
		if (properties.isAsyncAcks()) {
			throw new ReliableKafkaConfigurationException(id, "the container's async acks",
					"were turned on by a ContainerCustomizer, but reliable listeners acknowledge records in order: "
							+ "with out-of-order acknowledgements an in-place retry leaves every partition of the "
							+ "consumer paused",
					leaveAlone);
		}
		if (properties.getMessageListener() instanceof BatchMessageListener<?, ?>) {
			throw new ReliableKafkaConfigurationException(id, "the container's message listener",
					"was replaced by a ContainerCustomizer with a batch listener, but the failure router hands over "
							+ "one failed record at a time",
					leaveAlone);
		}
		if (customizedErrorHandler != null) {
			throw new ReliableKafkaConfigurationException(id, "the container's error handler",
					"was set by a ContainerCustomizer to " + customizedErrorHandler.getClass().getSimpleName()
							+ ", but only the listener's failure router may handle its failures: any other handler "
							+ "can skip a failed record",
					leaveAlone + " Tune failure handling with reliable.kafka.* properties.");
		}
	}

	// Metrics listeners and post-processors of the application's factory apply to reliable consumers too.
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private void copyHooks(DefaultKafkaConsumerFactory<Object, Object> rawConsumerFactory) {
		ConsumerFactory application = this.applicationConsumerFactory;
		application.getPostProcessors().forEach(hook -> rawConsumerFactory.addPostProcessor((ConsumerPostProcessor) hook));
		application.getListeners().forEach(hook -> rawConsumerFactory.addListener((ConsumerFactory.Listener) hook));
	}

	/**
	 * Create the interceptor of one container. First of all, {@link RecordOutcomes} tells the commit gate which
	 * record is in process, and the gate, the delivery events and the outage breaker how it ended. Then each
	 * record is deserialized with its consumer's deserializers, with the headers the listener sees, by the
	 * listener's policy and, in BLOCKING, with the attempt its router counts; the application's own interceptor
	 * runs last, on the deserialized record.
	 */
	private RecordInterceptor<Object, Object> interceptor(ListenerPolicy policy, CommonErrorHandler router,
			@Nullable RecordInterceptor<Object, Object> application) {
		InPlaceRetries inPlace = (policy.retryTopic() == null && router instanceof FailureRouter failureRouter)
				? failureRouter.inPlaceRetries() : null;
		OutageBreaker breaker = (router instanceof FailureRouter failureRouter) ? failureRouter.breaker() : null;
		RecordInterceptor<Object, Object> outcomes = new RecordOutcomes<>(policy, inPlace, breaker, this.events);
		RecordInterceptor<Object, Object> deserializing = new DeserializingRecordInterceptor(
				Objects.requireNonNull(this.deserializers), new DeliveryHeaders(new HeaderTrust(policy), inPlace));
		return (application != null) ? new CompositeRecordInterceptor<>(outcomes, deserializing, application)
				: new CompositeRecordInterceptor<>(outcomes, deserializing);
	}

}
