/**
 * Reliable Kafka: Kafka listeners that never lose a record when processing fails.
 */
@NullMarked
package dev.reliablekafka;

import org.jspecify.annotations.NullMarked;
