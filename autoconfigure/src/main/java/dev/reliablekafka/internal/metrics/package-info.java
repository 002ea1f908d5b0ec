/**
 * What Reliable Kafka does with failed records, as events ({@link dev.reliablekafka.internal.metrics.ReliableEvents}), and
 * their Micrometer meters under {@code reliable.kafka.*}, registered only when Micrometer is present.
 */
@NullMarked
package dev.reliablekafka.internal.metrics;

import org.jspecify.annotations.NullMarked;
