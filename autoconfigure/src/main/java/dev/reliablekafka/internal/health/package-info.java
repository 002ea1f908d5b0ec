/**
 * The {@code reliableKafka} health contributor: the delay tier scheduler and the forwards of each listener.
 */
@NullMarked
package dev.reliablekafka.internal.health;

import org.jspecify.annotations.NullMarked;
