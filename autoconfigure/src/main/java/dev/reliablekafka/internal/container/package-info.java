/**
 * Listener container mechanics shared by both modes, the delay tier scheduler and the outage breaker: holding a
 * partition back (rewinding it to the record to deliver again, then pausing it until a time or until released,
 * see {@link dev.reliablekafka.internal.container.PartitionBackOff}), rewinding a consumer to records it must
 * deliver again, and keeping fetches short around the end of a wait.
 */
@NullMarked
package dev.reliablekafka.internal.container;

import org.jspecify.annotations.NullMarked;
