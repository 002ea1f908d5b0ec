package dev.reliablekafka.internal.routing;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.internal.metrics.ReliableEvents;
import dev.reliablekafka.internal.policy.ListenerPolicy;
import dev.reliablekafka.internal.support.FailureText;

/**
 * How the failure router reports a forward that did not go as first sent (failed, refused as too large, or
 * forwarded only without the failure's stack trace), with the event of a failed one, and how every line of the
 * router names a record. A forward's outcome is found out where the forward is sent or, pipelined, later where a
 * commit resolves it; both report it here, in the same words. It logs under the failure router's category, the
 * one users configure.
 */
final class FailureLog {

	private static final LogAccessor logger = new LogAccessor(FailureRouter.class);

	private final ListenerPolicy policy;

	private final ReliableEvents events;

	FailureLog(ListenerPolicy policy, ReliableEvents events) {
		this.policy = policy;
		this.events = events;
	}

	void forwardFailed(ConsumerRecord<?, ?> record, String topic, Throwable ex) {
		this.events.forwardFailed(this.policy);
		logger.error(FailureText.loggable(ex), () -> describe(record) + " could not be forwarded to " + topic
				+ "; it stays in place and is retried until the forward succeeds");
	}

	void forwardedTooLarge(ConsumerRecord<?, ?> record, String topic) {
		this.events.forwardFailed(this.policy);
		logger.warn(() -> describe(record) + " was too large for " + topic + " with the failure's stack trace; "
				+ "it is delivered again and forwarded without it");
	}

	void forwardedBrief(ConsumerRecord<?, ?> record, String topic) {
		logger.warn(() -> describe(record) + " was too large for " + topic + " with the failure's stack trace; "
				+ "it was forwarded without it");
	}

	void tooLarge(ConsumerRecord<?, ?> record, String topic, Throwable ex) {
		this.events.forwardFailed(this.policy);
		logger.error(FailureText.loggable(ex), () -> describe(record) + " is too large for " + topic
				+ " even without the failure's stack trace, so it cannot be forwarded there. It is not skipped: "
				+ "it stays in place, blocking its partition, and is retried in place with back-off until it is "
				+ "processed or the forward succeeds. Raise max.message.bytes of " + topic
				+ " (and the producer's max.request.size) above the record's size.");
	}

	String describe(ConsumerRecord<?, ?> record) {
		return "Reliable listener '" + this.policy.listenerId() + "': record " + KafkaUtils.format(record);
	}

}
