/**
 * Small helpers used by every part: reading and writing Reliable Kafka's headers, and writing failures and
 * durations as users read them.
 */
@NullMarked
package dev.reliablekafka.internal.support;

import org.jspecify.annotations.NullMarked;
