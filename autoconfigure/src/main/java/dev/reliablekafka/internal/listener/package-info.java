/**
 * The listener container factory of reliable listeners and the consumption of raw record bytes.
 */
@NullMarked
package dev.reliablekafka.internal.listener;

import org.jspecify.annotations.NullMarked;
