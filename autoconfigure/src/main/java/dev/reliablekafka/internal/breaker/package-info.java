/**
 * The outage breaker: pauses a listener while most of its records fail, instead of handing each of them to the
 * retry path or the dead-letter topic.
 */
@NullMarked
package dev.reliablekafka.internal.breaker;

import org.jspecify.annotations.NullMarked;
