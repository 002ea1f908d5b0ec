/**
 * BLOCKING mode: retry a failed record in place while only its partition waits.
 */
@NullMarked
package dev.reliablekafka.internal.blocking;

import org.jspecify.annotations.NullMarked;
