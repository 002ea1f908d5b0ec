package dev.reliablekafka.test;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * What test listeners were handed, in order, with when. Thread-safe.
 */
public class ProcessingLog {

	private final List<Entry> entries = new ArrayList<>();

	/**
	 * Record a delivery.
	 * @param listener the listener id
	 * @param record the record delivered
	 * @param succeeded whether processing succeeded
	 * @return the number of deliveries of this record so far, this one included
	 */
	public synchronized int add(String listener, ConsumerRecord<?, ?> record, boolean succeeded) {
		this.entries.add(new Entry(listener, record.topic(), record.partition(), record.offset(),
				String.valueOf(record.value()), System.nanoTime(), succeeded,
				HeaderValues.text(record.headers(), ReliableHeaders.MESSAGE_ID),
				HeaderValues.text(record.headers(), ReliableHeaders.RECONSUME_COUNT)));
		return deliveries(listener, record.partition(), record.offset());
	}

	/**
	 * Return how often a message was delivered, wherever it came from.
	 * @param listener the listener id
	 * @param messageId the message id
	 * @return the deliveries
	 */
	public synchronized int deliveriesOf(String listener, String messageId) {
		return (int) this.entries.stream()
			.filter(entry -> entry.listener.equals(listener) && messageId.equals(entry.messageId))
			.count();
	}

	/**
	 * Return how often a record was delivered.
	 * @param listener the listener id
	 * @param partition the partition
	 * @param offset the offset
	 * @return the deliveries
	 */
	public synchronized int deliveries(String listener, int partition, long offset) {
		return (int) this.entries.stream()
			.filter(entry -> entry.listener.equals(listener) && entry.partition == partition && entry.offset == offset)
			.count();
	}

	/**
	 * Return every delivery to a listener.
	 * @param listener the listener id
	 * @return the deliveries, in order
	 */
	public synchronized List<Entry> of(String listener) {
		return this.entries.stream().filter(entry -> entry.listener.equals(listener)).toList();
	}

	/**
	 * Return the successful deliveries to a listener.
	 * @param listener the listener id
	 * @return the deliveries, in order
	 */
	public synchronized List<Entry> succeeded(String listener) {
		return new ArrayList<>(of(listener).stream().filter(Entry::succeeded).toList());
	}

	/**
	 * One delivery.
	 *
	 * @param listener the listener id
	 * @param topic the topic
	 * @param partition the partition
	 * @param offset the offset
	 * @param value the value, as text
	 * @param nanos when, from {@link System#nanoTime()}
	 * @param succeeded whether processing succeeded
	 * @param messageId the message id header the listener saw
	 * @param reconsumeCount the reconsume count header the listener saw
	 */
	public record Entry(String listener, String topic, int partition, long offset, String value, long nanos,
			boolean succeeded, String messageId, String reconsumeCount) {
	}

}
