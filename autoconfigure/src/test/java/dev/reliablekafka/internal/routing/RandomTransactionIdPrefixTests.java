package dev.reliablekafka.internal.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction id prefix with a random part, such as {@code tx-${random.uuid}-}, is new on every start, so a
 * restarted instance cannot fence what its predecessor left open: start-up says so, and still fences (and caches)
 * the producers of this run.
 */
@ExtendWith(OutputCaptureExtension.class)
class RandomTransactionIdPrefixTests {

	@Test
	void aPrefixNewOnEveryStartIsReported(CapturedOutput output) {
		List<MockProducer<byte[], byte[]>> created = new ArrayList<>();
		DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(Map.of()) {

			@Override
			protected Producer<byte[], byte[]> createRawProducer(Map<String, Object> configs) {
				MockProducer<byte[], byte[]> producer = new MockProducer<>();
				created.add(producer);
				return producer;
			}

		};
		String prefix = "tx-" + UUID.randomUUID() + "-reliable-";
		factory.setTransactionIdPrefix(prefix);
		TransactionalIdFencing fencing = new TransactionalIdFencing();
		fencing.manage(factory, () -> 1);

		fencing.start();

		assertThat(output).containsOnlyOnce("The transaction id prefix '" + prefix + "' looks random per start");
		assertThat(output).contains("Fenced the transactional ids " + prefix + "0:");
		assertThat(created).hasSize(1).allSatisfy(producer -> assertThat(producer.transactionInitialized()).isTrue());
		factory.createProducer();
		assertThat(created).as("the fenced producer serves the first hand-off").hasSize(1);
	}

}
