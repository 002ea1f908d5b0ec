package dev.reliablekafka.test;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;

/**
 * The RETRY_TOPIC listener {@code orders} of {@code ${test.topic}} and {@code ${test.group}} whose every record fails
 * once: a transient failure as read from the source topic, processed when the retry topic brings it back. One delay
 * level, {@code ${test.delay-levels}} (300 ms unless set), and one reconsumption. Every delivery goes to the
 * {@link ProcessingLog}.
 */
@Configuration(proxyBeanMethods = false)
public class RetriedOnceOrderService {

	private final ProcessingLog log;

	public RetriedOnceOrderService(ProcessingLog log) {
		this.log = log;
	}

	@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
			mode = ReliableMode.RETRY_TOPIC, delayLevels = "${test.delay-levels:300ms}", firstDelayLevel = "1",
			maxReconsumeTimes = "1")
	public void onOrder(ConsumerRecord<String, String> record) {
		boolean fromSource = !record.topic().startsWith("retry.");
		this.log.add("orders", record, !fromSource);
		if (fromSource) {
			throw new SimulatedDeadlockException("Deadlock processing order A");
		}
	}

}
