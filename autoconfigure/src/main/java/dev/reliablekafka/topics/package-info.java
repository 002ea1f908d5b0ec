/**
 * Topic naming from templates, validation and provisioning.
 */
@NullMarked
package dev.reliablekafka.topics;

import org.jspecify.annotations.NullMarked;
