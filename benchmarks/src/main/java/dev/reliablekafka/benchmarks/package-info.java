/**
 * Benchmark harness: Reliable Kafka's listeners side by side with the alternatives a user would pick instead.
 */
@NullMarked
package dev.reliablekafka.benchmarks;

import org.jspecify.annotations.NullMarked;
