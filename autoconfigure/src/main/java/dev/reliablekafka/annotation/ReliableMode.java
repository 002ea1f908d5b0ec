package dev.reliablekafka.annotation;

/**
 * The guarantee a reliable listener gives when processing a record fails.
 */
public enum ReliableMode {

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
