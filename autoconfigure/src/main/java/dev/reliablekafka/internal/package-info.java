/**
 * Reliable Kafka's implementation. Nothing under this package is API: it may change in any release. The API is
 * {@link dev.reliablekafka.annotation}, {@link dev.reliablekafka.ReliableHeaders},
 * {@link dev.reliablekafka.ReliableKafkaConfigurationException}, the configuration properties
 * ({@link dev.reliablekafka.autoconfigure.ReliableKafkaProperties}, {@link dev.reliablekafka.ListenerSettings})
 * and {@link dev.reliablekafka.deadletter}.
 */
@NullMarked
package dev.reliablekafka.internal;

import org.jspecify.annotations.NullMarked;
