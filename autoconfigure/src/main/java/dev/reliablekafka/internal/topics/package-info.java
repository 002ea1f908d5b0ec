/**
 * Topic naming from templates, validation and provisioning.
 */
@NullMarked
package dev.reliablekafka.internal.topics;

import org.jspecify.annotations.NullMarked;
