package dev.reliablekafka.faults.app;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.ReliableHeaders;

/**
 * The listener under test. Keys are {@code k<index>}: a record whose index is {@code failOnceAt} modulo
 * {@code failOnceEvery} fails on its first delivery (reconsume count 0), one whose index is
 * {@code alwaysFailAt} modulo {@code alwaysFailEvery} always fails. Every delivery is logged first.
 */
@Component
class FaultListener {

	private final EventLog log;

	private final int failOnceEvery;

	private final int alwaysFailEvery;

	private final long workMillis;

	FaultListener(EventLog log, @Value("${faults.fail-once-every:10}") int failOnceEvery,
			@Value("${faults.always-fail-every:100}") int alwaysFailEvery,
			@Value("${faults.work-millis:0}") long workMillis) {
		this.log = log;
		this.failOnceEvery = failOnceEvery;
		this.alwaysFailEvery = alwaysFailEvery;
		this.workMillis = workMillis;
	}

	@ReliableListener(id = "faults", topics = "${faults.topic}", groupId = "${faults.group}")
	void onRecord(ConsumerRecord<String, String> record) throws InterruptedException {
		int index = Integer.parseInt(record.key().substring(1));
		int reconsumeCount = intHeader(record.headers().lastHeader(ReliableHeaders.RECONSUME_COUNT));
		long dueTime = longHeader(record.headers().lastHeader(ReliableHeaders.DUE_TIME));
		boolean alwaysFails = this.alwaysFailEvery > 0 && index % this.alwaysFailEvery == 7 % this.alwaysFailEvery;
		boolean failsOnce = this.failOnceEvery > 0 && index % this.failOnceEvery == 3 % this.failOnceEvery
				&& reconsumeCount == 0;
		if (this.workMillis > 0) {
			Thread.sleep(this.workMillis);
		}
		if (alwaysFails || failsOnce) {
			this.log.write('F', record.key(), record.topic(), record.partition(), record.offset(), reconsumeCount,
					dueTime);
			throw new IllegalStateException("Simulated failure of " + record.key());
		}
		this.log.write('P', record.key(), record.topic(), record.partition(), record.offset(), reconsumeCount,
				dueTime);
	}

	private static int intHeader(@Nullable Header header) {
		return (header != null) ? Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8).trim()) : 0;
	}

	private static long longHeader(@Nullable Header header) {
		return (header != null) ? Long.parseLong(new String(header.value(), StandardCharsets.UTF_8).trim()) : 0;
	}

}
