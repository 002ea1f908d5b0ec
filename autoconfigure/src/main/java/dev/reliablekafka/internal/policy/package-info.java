/**
 * Resolved, immutable per-listener settings: annotation, then {@code reliable.kafka.defaults}, then {@code reliable.kafka.listeners.<id>}.
 */
@NullMarked
package dev.reliablekafka.internal.policy;

import org.jspecify.annotations.NullMarked;
