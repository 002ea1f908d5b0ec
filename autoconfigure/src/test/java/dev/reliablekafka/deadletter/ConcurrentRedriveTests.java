package dev.reliablekafka.deadletter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.test.Broker;
import dev.reliablekafka.test.KafkaTestClient;
import dev.reliablekafka.test.ReliableTestApp;

import static dev.reliablekafka.test.DeadLetterAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of an application redrive the same group at the same time (two operators, or one request
 * retried on another instance): the first gives a partition up to the second, committing what it moved, and
 * together they move each record once.
 */
class ConcurrentRedriveTests {

	// The running redrive hears of the second one at its next heartbeat.
	private static final String HEARTBEAT = "spring.kafka.consumer.heartbeat-interval=300ms";

	@Test
	void twoInstancesRedrivingAtOnceMoveEachRecordOnce() throws Exception {
		try (KafkaTestClient kafka = new KafkaTestClient(Broker.EMBEDDED);
				DeadLetterFixture fixture = new DeadLetterFixture(kafka, 2, HEARTBEAT);
				ConfigurableApplicationContext other = ReliableTestApp.run(kafka, DeadLetterFixture.IdleListener.class,
						"test.topic=" + fixture.source, "test.group=" + fixture.group,
						"reliable.kafka.topics.partitions=2", HEARTBEAT)) {
			for (int i = 0; i < 100; i++) {
				fixture.deadLetter(i % 2, System.currentTimeMillis(), "k" + i, "v" + i, "m" + i,
						"java.lang.IllegalStateException");
			}
			RedriveRequest slowly = RedriveRequest.dryRunOfAll().withDryRun(false).withRate(20.0);

			CompletableFuture<RedriveResult> first = CompletableFuture
				.supplyAsync(() -> fixture.deadLetters().redrive(fixture.group, slowly));
			await().atMost(Duration.ofSeconds(10)).until(() -> fixture.retryEnd() >= 5);
			RedriveResult second = other.getBean(DeadLetters.class).redrive(fixture.group, slowly);
			RedriveResult firstResult = first.get(60, TimeUnit.SECONDS);

			assertThat(firstResult.moved() + second.moved()).isEqualTo(100);
			assertThat(second.moved()).as("records moved by the redrive that joined").isPositive();
			List<ConsumerRecord<byte[], byte[]>> retried = fixture.retried(100);
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
				.until(() -> fixture.retryEnd() == 100);
			assertThat(retried.stream().map(record -> header(record, ReliableHeaders.MESSAGE_ID)).distinct())
				.hasSize(100);
		}
	}

}
