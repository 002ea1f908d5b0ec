package dev.reliablekafka.retrytopic;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.ConsumerAwareMessageListener;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.routing.FailureHeaders;
import dev.reliablekafka.routing.RecordForwarder;
import dev.reliablekafka.routing.ReliableHeaders;
import dev.reliablekafka.topics.TopicNaming;

/**
 * The scheduler's listener: hands a delay tier record that is due to the retry topic of the group that failed
 * to process it, unchanged, and refuses one that is not due yet so that its partition waits. With transactions on,
 * the hand-off and the commit of the tier offset are one transaction: the record is in the retry topic exactly
 * once.
 */
public class DueRecordForwarder implements ConsumerAwareMessageListener<byte[], byte[]> {

	private static final LogAccessor logger = new LogAccessor(DueRecordForwarder.class);

	private final RecordForwarder forwarder;

	private final TopicNaming naming;

	/**
	 * Create the listener.
	 * @param forwarder sends the due records
	 * @param naming names each group's retry topic
	 */
	public DueRecordForwarder(RecordForwarder forwarder, TopicNaming naming) {
		this.forwarder = forwarder;
		this.naming = naming;
	}

	@Override
	public void onMessage(ConsumerRecord<byte[], byte[]> record, Consumer<?, ?> consumer) {
		Long dueTime = FailureHeaders.dueTime(record);
		String group = FailureHeaders.text(record.headers(), ReliableHeaders.GROUP);
		if (dueTime == null || group == null) {
			logger.error(() -> "Skipping " + KafkaUtils.format(record) + ": it has no " + ReliableHeaders.DUE_TIME
					+ " or " + ReliableHeaders.GROUP + " header, so it was not written by Reliable Kafka");
			return;
		}
		if (dueTime > System.currentTimeMillis()) {
			throw new NotDueYetException(dueTime);
		}
		this.forwarder.forwardAndCommit(record, this.naming.retryTopic(group), record.headers(),
				consumer.groupMetadata());
	}

}
