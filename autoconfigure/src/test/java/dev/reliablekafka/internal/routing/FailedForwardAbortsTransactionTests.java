package dev.reliablekafka.internal.routing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With transactions on, an awaited forward (record kept in place) that fails must not leave the poll transaction
 * open with a failed send, where the record's next attempts would send in the same, poisoned transaction that only a
 * commit would abort, while no commit comes as the consumer's only partition is stuck on the record.
 */
class FailedForwardAbortsTransactionTests extends GatedContainerContract {

	FailedForwardAbortsTransactionTests() {
		super(true);
	}

	@Test
	void recordIsForwardedOnceTheBrokerIsBack() throws Exception {
		this.fixture.producer.poisoning = true;
		this.fixture.records(PARTITION, "A", "B");
		this.fixture.start(AckMode.BATCH, value -> value.equals("A"), Duration.ofSeconds(3), Duration.ofMillis(100));

		// The first (pipelined) forward fails: transaction aborted, rewound.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.uncommittedRecords().size() == 1);
		this.fixture.producer.errorNext(new IllegalStateException("broker unavailable"));
		// The second (awaited, record kept in place) fails too.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.producer.uncommittedRecords().size() == 1
				&& this.fixture.delivered().size() >= 3);
		this.fixture.producer.errorNext(new IllegalStateException("broker unavailable"));
		// The broker is back: every later send is acknowledged.
		long end = System.currentTimeMillis() + 8000;
		while (System.currentTimeMillis() < end && this.fixture.producer.commitCount() == 0) {
			this.fixture.producer.completeNext();
			Thread.sleep(20);
		}
		List<String> committed = this.fixture.producer.history().stream()
			.map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
		assertThat(this.fixture.producer.commitCount()).isPositive();
	}

}
