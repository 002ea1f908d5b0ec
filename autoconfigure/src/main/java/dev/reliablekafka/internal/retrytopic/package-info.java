/**
 * RETRY_TOPIC mode: delay tiers and the scheduler that hands due records to each group's retry topic.
 */
@NullMarked
package dev.reliablekafka.internal.retrytopic;

import org.jspecify.annotations.NullMarked;
