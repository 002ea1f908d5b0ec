package dev.reliablekafka.autoconfigure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.internal.policy.ListenerPolicies;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every default the README's table of listener settings states, written as a property exactly as the table
 * writes it, starts the application and gives the same policies as leaving the property out.
 */
class ReadmeDefaultsTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create()
		.withPropertyValues("spring.kafka.bootstrap-servers=" + Broker.EMBEDDED.bootstrapServers(),
				"spring.application.name=shop")
		.withUserConfiguration(Listeners.class);

	static Stream<String> documentedDefaults() throws IOException {
		List<String> properties = new ArrayList<>();
		ReadmeTables.documentedDefaults().forEach((name, cell) -> {
			String literal = ReadmeTables.literal(cell);
			if (literal != null && name.startsWith("reliable.kafka.defaults.")) {
				properties.add(name + "=" + literal);
			}
		});
		return properties.stream();
	}

	private static final List<ListenerPolicy> unset = new ArrayList<>();

	@ParameterizedTest
	@MethodSource("documentedDefaults")
	void writtenAsTheReadmeShowsIt(String property) {
		if (unset.isEmpty()) {
			unset.addAll(policies(this.runner));
		}
		this.runner.withPropertyValues(property).run(context -> {
			assertThat(context).hasNotFailed();
			// Only where each value came from differs: reliable.kafka.defaults instead of the built-in default.
			assertThat(context.getBean(ListenerPolicies.class).all())
				.usingRecursiveFieldByFieldElementComparatorIgnoringFields("origins")
				.containsExactlyInAnyOrderElementsOf(unset);
		});
	}

	private static List<ListenerPolicy> policies(ApplicationContextRunner runner) {
		List<ListenerPolicy> policies = new ArrayList<>();
		runner.run(context -> policies.addAll(context.getBean(ListenerPolicies.class).all()));
		return policies;
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@ReliableListener(id = "blocking", topics = "OrderTopic", groupId = "blocking-service")
		void blocking(String order) {
		}

		@ReliableListener(id = "retrying", topics = "OrderTopic", groupId = "retrying-service",
				mode = ReliableMode.RETRY_TOPIC)
		void retrying(String order) {
		}

	}

}
