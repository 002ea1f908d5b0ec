/**
 * The failure router shared by every mode, the forwarding of records to other topics behind the consumer's commit
 * gate, and the record interceptor that tells the gate, the outage breaker and the delivery events of each record's
 * outcome.
 */
@NullMarked
package dev.reliablekafka.internal.routing;

import org.jspecify.annotations.NullMarked;
