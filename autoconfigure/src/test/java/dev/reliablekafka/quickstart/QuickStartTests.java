package dev.reliablekafka.quickstart;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.kafka.support.converter.StringJacksonJsonMessageConverter;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's quick start, as written there: a JSON order converted to the listener's parameter type, a
 * transient failure retried in place.
 */
class QuickStartTests {

	@Test
	void quickStartFromTheReadmeWorks() {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED)) {
			kafka.createTopic("OrderTopic", 1);
			kafka.send("OrderTopic", 0, "A", "{\"id\":\"A\",\"amount\":42}");
			try (ConfigurableApplicationContext app = ReliableTestApp.run(kafka, OrderService.class,
					"reliable.kafka.defaults.blocking.initial-interval=100ms",
					"reliable.kafka.listeners.orders.blocking.max-attempts=10")) {
				OrderService service = app.getBean(OrderService.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> service.saved.size() == 1);
				assertThat(service.saved).containsExactly(new Order("A", 42));
				assertThat(service.attempts).isEqualTo(2);
			}
		}
	}

	record Order(String id, int amount) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderService {

		final List<Order> saved = new CopyOnWriteArrayList<>();

		int attempts;

		@ReliableListener(id = "orders", topics = "OrderTopic", groupId = "order-service", mode = ReliableMode.BLOCKING)
		void onOrder(Order order) {
			if (++this.attempts == 1) {
				throw new IllegalStateException("Deadlock found when trying to get lock");
			}
			this.saved.add(order);
		}

		@Bean
		RecordMessageConverter recordMessageConverter() {
			return new StringJacksonJsonMessageConverter();
		}

	}

}
