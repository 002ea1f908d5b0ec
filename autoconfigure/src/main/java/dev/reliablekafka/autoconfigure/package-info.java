/**
 * Spring Boot auto-configuration and configuration properties of Reliable Kafka.
 */
@NullMarked
package dev.reliablekafka.autoconfigure;

import org.jspecify.annotations.NullMarked;
