package dev.reliablekafka.internal.routing;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The record a gated consumer's listener is processing, if any, as {@link RecordOutcomes} reports it: no commit of
 * its partition passes it before its outcome is known. While the listener runs, it may acknowledge the record
 * itself; once the record failed, nothing may commit it until the failure router took it over. Kept apart from the
 * commit gate's forwards because it follows the listener, not the broker. Used on the consumer's thread only.
 */
final class RecordInProcess {

	// The record the listener is processing, if any (RecordOutcomes): no commit of its partition passes it.
	private @Nullable TopicPartition inProcess;

	private long inProcessOffset;

	// While the listener runs, it may acknowledge the record itself; once it failed, not even that.
	private boolean inProcessFailed;

	/**
	 * The listener is about to process a record.
	 */
	void processing(ConsumerRecord<?, ?> record) {
		this.inProcess = new TopicPartition(record.topic(), record.partition());
		this.inProcessOffset = record.offset();
		this.inProcessFailed = false;
	}

	/**
	 * The listener failed on the record in process: until the failure router took it over, nothing may commit it.
	 */
	void processingFailed() {
		this.inProcessFailed = true;
	}

	/**
	 * The record in process succeeded, or the failure router took it over (it keeps it in place or forwards it),
	 * or the consumer polls again.
	 */
	void processed() {
		this.inProcess = null;
	}

	/**
	 * Return the offset up to which a partition may be committed, of the one requested, given the record in
	 * process.
	 */
	long inProcessCap(TopicPartition partition, long requested) {
		if (!partition.equals(this.inProcess) || requested <= this.inProcessOffset) {
			return requested;
		}
		return (requested == this.inProcessOffset + 1 && !this.inProcessFailed) ? requested : this.inProcessOffset;
	}

}
