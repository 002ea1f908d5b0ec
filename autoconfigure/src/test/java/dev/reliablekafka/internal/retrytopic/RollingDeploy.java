package dev.reliablekafka.internal.retrytopic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.ReliableTestApp;
import dev.reliablekafka.test.SimulatedDeadlockException;

import static org.awaitility.Awaitility.await;

/**
 * A rolling deploy in one JVM: an instance with the old configuration parks failed orders in a delay tier; an
 * instance with the new configuration joins the same groups and namespace, and the old one is stopped while the
 * orders are still parked. What the new configuration does with them is up to each scenario; they must not be
 * left behind.
 */
final class RollingDeploy {

	/** Orders sent before the old instance starts. */
	static final List<String> ORDERS = List.of("order-0", "order-1", "order-2", "order-3");

	final KafkaTestClient kafka;

	final String topic;

	final String group;

	final String namespace;

	RollingDeploy(KafkaTestClient kafka) {
		this.kafka = kafka;
		this.topic = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
		this.group = KafkaTestClient.unique("order-service");
		this.namespace = KafkaTestClient.unique("rolling");
	}

	/**
	 * Run the old instance until every order failed {@code failures} times and is parked again, start the new
	 * instance beside it, then stop the old one.
	 * @param oldProperties the old configuration of listener {@code orders}
	 * @param failures deliveries of each order to the old instance before it stops
	 * @param newProperties the new configuration
	 * @return the new instance, running alone; close it
	 */
	ConfigurableApplicationContext deploy(List<String> oldProperties, int failures, List<String> newProperties) {
		ORDERS.forEach(order -> this.kafka.send(this.topic, 0, order, order));
		ConfigurableApplicationContext newInstance;
		try (ConfigurableApplicationContext oldInstance = ReliableTestApp.run(this.kafka, OrderService.class,
				properties(oldProperties))) {
			ProcessingLog log = oldInstance.getBean(ProcessingLog.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> ORDERS.stream().allMatch(order -> deliveries(log, order) >= failures));
			newInstance = ReliableTestApp.run(this.kafka, OrderService.class, properties(newProperties));
		}
		return newInstance;
	}

	/**
	 * Return the orders an instance processed successfully.
	 * @param instance the instance
	 * @return the order values
	 */
	static Set<String> processed(ConfigurableApplicationContext instance) {
		return instance.getBean(ProcessingLog.class)
			.succeeded("orders")
			.stream()
			.map(ProcessingLog.Entry::value)
			.collect(Collectors.toSet());
	}

	private static long deliveries(ProcessingLog log, String order) {
		return log.of("orders").stream().filter(entry -> entry.value().equals(order)).count();
	}

	private String[] properties(List<String> listenerProperties) {
		List<String> all = new ArrayList<>(List.of("test.topic=" + this.topic, "test.group=" + this.group,
				"spring.application.name=" + this.namespace));
		all.addAll(listenerProperties);
		return all.toArray(String[]::new);
	}

	/** Fails every order while {@code test.fail} is true; configured through {@code reliable.kafka.listeners.orders}. */
	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		private final ProcessingLog log;

		private final boolean fail;

		OrderService(ProcessingLog log, @Value("${test.fail:false}") boolean fail) {
			this.log = log;
			this.fail = fail;
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}")
		void onOrder(ConsumerRecord<String, String> record) {
			this.log.add("orders", record, !this.fail);
			if (this.fail) {
				throw new SimulatedDeadlockException("Deadlock processing " + record.value());
			}
		}

	}

}
