package dev.reliablekafka.internal.breaker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;

/**
 * The RETRY_TOPIC listener {@code orders} of {@code ${test.topic}} and {@code ${test.group}} whose database goes
 * down as the first order arrives and comes back after {@code test.outage} milliseconds; it keeps the value of every
 * record it processed, in order.
 */
@Configuration(proxyBeanMethods = false)
class OutageOrderService {

	final List<String> processed = new CopyOnWriteArrayList<>();

	private final Outage outage;

	OutageOrderService(Environment environment) {
		this.outage = Outage.of(environment);
	}

	@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
			mode = ReliableMode.RETRY_TOPIC)
	void onOrder(ConsumerRecord<String, String> record) {
		this.outage.call();
		this.processed.add(record.value());
	}

}
