package dev.reliablekafka.test;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;

/**
 * The RETRY_TOPIC listener {@code orders} of {@code ${test.topic}} and {@code ${test.group}} that processes every
 * record, logging it to the {@link ProcessingLog}: for tests of what brings records to the listener rather than of
 * what it does with them. Its delay levels, first level and reconsumptions are the defaults unless
 * {@code test.delay-levels}, {@code test.first-delay-level} and {@code test.max-reconsume-times} set them.
 */
@Configuration(proxyBeanMethods = false)
public class ProcessingOrderService {

	private final ProcessingLog log;

	public ProcessingOrderService(ProcessingLog log) {
		this.log = log;
	}

	@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
			mode = ReliableMode.RETRY_TOPIC, delayLevels = "${test.delay-levels:}",
			firstDelayLevel = "${test.first-delay-level:}", maxReconsumeTimes = "${test.max-reconsume-times:}")
	public void onOrder(ConsumerRecord<String, String> record) {
		this.log.add("orders", record, true);
	}

}
