package dev.reliablekafka.internal.policy;

import java.time.Duration;

/**
 * One delay level: how long a record waits, and the delay tier topic it waits in.
 *
 * @param delay the wait
 * @param topic the delay tier topic, shared by every group of the application
 */
public record DelayLevel(Duration delay, String topic) {
}
