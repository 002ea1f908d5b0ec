package dev.reliablekafka.internal.container;

import java.nio.ByteBuffer;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads raw bytes, as {@link ByteArrayDeserializer} does, and tells {@link BackOffFetchWait} that records
 * arrived. The consumer deserializes the records of a poll before it sends its next fetch: the only moment at
 * which that fetch can still be made short, so that a record of this poll that fails and backs off briefly is
 * not fetched again only after the broker held that fetch for {@code fetch.max.wait.ms}.
 */
public final class ArrivalSignallingDeserializer extends ByteArrayDeserializer {

	@Override
	public byte[] deserialize(String topic, Headers headers, ByteBuffer data) {
		BackOffFetchWait.recordsArriving();
		return super.deserialize(topic, headers, data);
	}

}
