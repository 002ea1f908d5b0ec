package dev.reliablekafka.faults.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerFactory;

import dev.reliablekafka.internal.routing.RecordForwarder;

/**
 * A deliberately broken forwarder, only with {@code --faults.broken-forwarder=true}: it reports every forward as
 * acknowledged without sending it, so failed records are committed and never handed over. It replaces the
 * library's forwarder bean (which backs off when one exists), and proves that the checker catches a loss.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("faults.broken-forwarder")
class BrokenForwarderConfiguration {

	@Bean
	RecordForwarder brokenRecordForwarder(ProducerFactory<?, ?> producerFactory) {
		Map<String, Object> config = new HashMap<>(producerFactory.getConfigurationProperties());
		return new RecordForwarder(
				new DefaultKafkaProducerFactory<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
				Duration.ofSeconds(10)) {

			@Override
			public CompletableFuture<?> send(ConsumerRecord<?, ?> record, String topic, Headers headers) {
				// Returns before (and without) the broker's acknowledgement: the record is dropped.
				return CompletableFuture.completedFuture(null);
			}

		};
	}

}
