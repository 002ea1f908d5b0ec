/**
 * Finding {@code @ReliableListener} methods, reading their attributes and checking their signatures.
 */
@NullMarked
package dev.reliablekafka.internal.declaration;

import org.jspecify.annotations.NullMarked;
