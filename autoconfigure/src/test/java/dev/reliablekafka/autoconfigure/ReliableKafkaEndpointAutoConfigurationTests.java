package dev.reliablekafka.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.deadletter.DeadLetters;
import dev.reliablekafka.internal.actuate.ReliableKafkaEndpoint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint exists only where the actuator is on the classpath and the endpoint is exposed, like Boot's own;
 * {@link DeadLetters} exists either way, and bad redrive settings fail the start-up naming the property.
 */
class ReliableKafkaEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, ReliableKafkaAutoConfiguration.class,
				ReliableKafkaDeadLetterAutoConfiguration.class, ReliableKafkaEndpointAutoConfiguration.class,
				EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
		.withUserConfiguration(OrderListener.class)
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "spring.kafka.listener.auto-startup=false",
				"reliable.kafka.topics.create=false", "reliable.kafka.topics.verify=false");

	@Test
	void endpointOnlyWhenExposed() {
		this.runner.run(context -> {
			assertThat(context).hasSingleBean(DeadLetters.class);
			assertThat(context).doesNotHaveBean(ReliableKafkaEndpoint.class);
		});
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=reliablekafka")
			.run(context -> assertThat(context).hasSingleBean(ReliableKafkaEndpoint.class));
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=reliablekafka",
					"management.endpoint.reliablekafka.access=NONE")
			.run(context -> assertThat(context).doesNotHaveBean(ReliableKafkaEndpoint.class));
	}

	@Test
	void readOnlyAccessLeavesNoWriteOperation() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=reliablekafka")
			.run(context -> assertThat(operations(context)).contains(OperationType.WRITE));
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=reliablekafka",
					"management.endpoint.reliablekafka.access=READ_ONLY")
			.run(context -> assertThat(operations(context)).containsOnly(OperationType.READ));
	}

	private static List<OperationType> operations(ApplicationContext context) {
		return context.getBean(WebEndpointsSupplier.class)
			.getEndpoints()
			.stream()
			.filter(endpoint -> endpoint.getEndpointId().toString().equals("reliablekafka"))
			.flatMap(endpoint -> endpoint.getOperations().stream())
			.map(operation -> operation.getType())
			.toList();
	}

	@Test
	void libraryWorksWithoutTheActuator() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=reliablekafka")
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(DeadLetters.class);
				assertThat(context).doesNotHaveBean(ReliableKafkaEndpoint.class);
			});
	}

	@Test
	void badRedriveSettingsFailTheStartUp() {
		this.runner.withPropertyValues("reliable.kafka.redrive.max-redrives=0")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("reliable.kafka.redrive.max-redrives is 0 but must be at least 1"));
		this.runner.withPropertyValues("reliable.kafka.redrive.group=redrives")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("reliable.kafka.redrive.group is 'redrives' but must hold <group>"));
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service")
		void onOrder(String order) {
		}

	}

}
