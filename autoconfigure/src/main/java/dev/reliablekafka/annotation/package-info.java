/**
 * The {@code @ReliableListener} annotation and the scanning that turns each use of it into a listener declaration.
 */
@NullMarked
package dev.reliablekafka.annotation;

import org.jspecify.annotations.NullMarked;
