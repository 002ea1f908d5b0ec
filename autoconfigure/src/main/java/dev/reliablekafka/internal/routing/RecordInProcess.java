package dev.reliablekafka.internal.routing;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Tells a reliable consumer's commit gate which record its listener is processing, so that no commit passes that
 * record before its outcome is known. spring-kafka commits the acknowledgements it queued before it hands a failed
 * record to the error handler; with manual acks, one kept from an earlier poll may lie beyond a record that was
 * rewound and is being processed again. Only the listener's own acknowledgement of the record itself, while it
 * runs, may commit it. Runs first among a reliable container's record interceptors.
 */
public final class RecordInProcess<K, V> implements RecordInterceptor<K, V> {

	@Override
	public @Nullable ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record,
			Consumer<K, V> consumer) {
		ForwardGate gate = ForwardGate.of(consumer);
		if (gate != null) {
			gate.processing(record);
		}
		return record;
	}

	@Override
	public void success(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
		ForwardGate gate = ForwardGate.of(consumer);
		if (gate != null) {
			gate.processed();
		}
	}

	@Override
	public void failure(ConsumerRecord<K, V> record, Exception exception,
			Consumer<K, V> consumer) {
		// The failure router takes the record over (ForwardGate#processed); until then nothing may commit it.
		ForwardGate gate = ForwardGate.of(consumer);
		if (gate != null) {
			gate.processingFailed();
		}
	}

}
