package dev.reliablekafka.routing;

import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.ContainerProperties.EOSMode;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * After a transaction is rolled back, delivers the unprocessed records again and does nothing else. The failure
 * router has already decided what happens to the failed record; the default processor, which skips a record
 * after ten failures, would lose it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class RollbackSeeker<K, V> implements AfterRollbackProcessor<K, V> {

	@Override
	public void process(List<ConsumerRecord<K, V>> records, Consumer<K, V> consumer,
			MessageListenerContainer container, Exception exception, boolean recoverable, EOSMode eosMode) {
		RecordSeeks.rewind(records, consumer);
	}

}
