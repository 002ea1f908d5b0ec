/**
 * Listener container mechanics shared by both modes and the delay tier scheduler: making one partition wait
 * (pause until a time, then resume), rewinding a consumer to records it must deliver again, and keeping fetches
 * short around the end of a wait.
 */
@NullMarked
package dev.reliablekafka.internal.container;

import org.jspecify.annotations.NullMarked;
