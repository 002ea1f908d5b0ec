package dev.reliablekafka.internal.breaker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Tells a listener's outage breaker of each record its listener processed; failures reach it through the failure
 * router, which knows whether they are retryable.
 */
public final class BreakerOutcomes<K, V> implements RecordInterceptor<K, V> {

	private final OutageBreaker breaker;

	/**
	 * Create the interceptor of one listener.
	 * @param breaker the listener's breaker
	 */
	public BreakerOutcomes(OutageBreaker breaker) {
		this.breaker = breaker;
	}

	@Override
	public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
		return record;
	}

	@Override
	public void success(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
		this.breaker.succeeded(record);
	}

}
