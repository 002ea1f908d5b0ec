/**
 * The {@code reliablekafka} actuator endpoint: the reliable listeners and their policies, a group's dead-letter
 * records, and redrives. Active only with Spring Boot's actuator on the classpath.
 */
@NullMarked
package dev.reliablekafka.internal.actuate;

import org.jspecify.annotations.NullMarked;
