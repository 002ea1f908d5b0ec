package dev.reliablekafka.internal.retrytopic;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.jspecify.annotations.Nullable;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.support.HeaderValues;

/**
 * When a delay tier record is due. The instance that parked the record and the scheduler that hands it over may
 * run on different machines whose clocks disagree; on a tier whose timestamps are the broker's append times, the
 * record is due at its append time plus its level's delay, so the broker's clock alone decides. Records without
 * the delay header (written by an older version) or on a tier with producer timestamps fall back to the due time
 * the parking instance wrote.
 */
final class DueTimes {

	private DueTimes() {
	}

	/**
	 * Return when a tier record is due.
	 * @param record the delay tier record
	 * @return epoch milliseconds, or {@code null} if the record carries no readable due time
	 */
	static @Nullable Long dueTime(ConsumerRecord<?, ?> record) {
		try {
			if (record.timestampType() == TimestampType.LOG_APPEND_TIME) {
				String delay = HeaderValues.text(record.headers(), ReliableHeaders.DELAY);
				if (delay != null) {
					return record.timestamp() + Long.parseLong(delay.trim());
				}
			}
			return HeaderValues.dueTime(record);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
