/**
 * Dead-letter records of a consumer group: browsing them and redriving them to the group's retry topic or their
 * original topic, from code ({@link dev.reliablekafka.deadletter.DeadLetters}) or the actuator endpoint.
 */
@NullMarked
package dev.reliablekafka.deadletter;

import org.jspecify.annotations.NullMarked;
