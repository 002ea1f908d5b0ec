/**
 * The fault-injection harness: a Kafka broker and the fault-test application, each in its own OS process, a
 * driver that produces records and injects faults, and a checker that counts what was lost.
 */
@NullMarked
package dev.reliablekafka.faults;

import org.jspecify.annotations.NullMarked;
