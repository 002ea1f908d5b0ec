/**
 * The {@code @ReliableListener} annotation and the guarantees it chooses from: what application code writes.
 */
@NullMarked
package dev.reliablekafka.annotation;

import org.jspecify.annotations.NullMarked;
