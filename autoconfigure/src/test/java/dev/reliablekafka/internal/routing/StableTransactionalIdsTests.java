package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A producer whose transaction failed is replaced under the lowest free transactional id rather than a new one,
 * so that an instance uses the same few ids on every run and a restarted instance can fence them all.
 */
class StableTransactionalIdsTests {

	@Test
	void aFailedProducerIsReplacedUnderTheLowestFreeId() {
		List<String> ids = new ArrayList<>();
		List<MockProducer<byte[], byte[]>> created = new ArrayList<>();
		DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(Map.of()) {

			@Override
			protected Producer<byte[], byte[]> createRawProducer(Map<String, Object> configs) {
				ids.add((String) configs.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
				MockProducer<byte[], byte[]> producer = new MockProducer<>();
				created.add(producer);
				return producer;
			}

		};
		factory.setTransactionIdPrefix("instance-0-reliable-");
		new TransactionalIdFencing().manage(factory, () -> 2);

		Producer<byte[], byte[]> first = factory.createProducer();
		Producer<byte[], byte[]> second = factory.createProducer();
		created.get(0).commitTransactionException = new KafkaException("the commit failed");
		first.beginTransaction();
		assertThatExceptionOfType(KafkaException.class).isThrownBy(first::commitTransaction);
		first.close(Duration.ZERO); // failed: closed, its id released
		second.close(Duration.ZERO); // healthy: back to the cache
		factory.createProducer(); // the cached one
		factory.createProducer(); // a new one

		assertThat(ids).containsExactly("instance-0-reliable-0", "instance-0-reliable-1", "instance-0-reliable-0");
	}

}
