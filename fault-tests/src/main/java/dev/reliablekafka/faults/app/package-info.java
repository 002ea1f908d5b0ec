/**
 * The fault-test application: one reliable listener whose failures are chosen by key, writing every processing to
 * an append-only log.
 */
@NullMarked
package dev.reliablekafka.faults.app;

import org.jspecify.annotations.NullMarked;
