package dev.reliablekafka.annotation;

/**
 * The guarantee a reliable listener gives when processing a record fails.
 */
public enum ReliableMode {

	/**
	 * Not set: the default of {@link ReliableListener#mode()}, meaning "take {@code reliable.kafka.defaults.mode},
	 * else {@link #BLOCKING}". Only the annotation may say it; a property set to it fails start-up, and a
	 * resolved listener policy never holds it.
	 */
	DEFAULT,

	/**
	 * Nothing lost, order kept: the failed record is retried in place with exponential back-off. Only its
	 * partition waits; the other partitions of the same consumer keep flowing.
	 */
	BLOCKING,

	/**
	 * Nothing lost, order may change: the failed record is handed to the consumer group's retry path, later
	 * records keep flowing and the record is redelivered after a delay that grows with each retry.
	 */
	RETRY_TOPIC

}
