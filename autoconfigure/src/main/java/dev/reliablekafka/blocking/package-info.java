/**
 * BLOCKING mode: retry a failed record in place while only its partition waits.
 */
@NullMarked
package dev.reliablekafka.blocking;

import org.jspecify.annotations.NullMarked;
