/**
 * The listener container factory of reliable listeners and the consumption of raw record bytes.
 */
@NullMarked
package dev.reliablekafka.listener;

import org.jspecify.annotations.NullMarked;
