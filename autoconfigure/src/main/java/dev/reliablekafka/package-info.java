/**
 * Reliable Kafka: Kafka listeners that never lose a record when processing fails. Its API is this package
 * ({@link dev.reliablekafka.ReliableHeaders}, {@link dev.reliablekafka.ReliableKafkaConfigurationException},
 * {@link dev.reliablekafka.ListenerSettings}),
 * {@link dev.reliablekafka.annotation}, the configuration properties and {@link dev.reliablekafka.deadletter};
 * everything under {@code dev.reliablekafka.internal} may change in any release.
 */
@NullMarked
package dev.reliablekafka;

import org.jspecify.annotations.NullMarked;
