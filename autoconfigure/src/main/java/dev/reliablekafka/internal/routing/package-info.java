/**
 * The failure router shared by every mode, and the forwarding of records to other topics behind the consumer's
 * commit gate.
 */
@NullMarked
package dev.reliablekafka.internal.routing;

import org.jspecify.annotations.NullMarked;
