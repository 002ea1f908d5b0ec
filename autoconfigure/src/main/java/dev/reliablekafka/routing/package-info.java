/**
 * The failure router shared by every mode, the headers it writes and the forwarding of records to other topics.
 */
@NullMarked
package dev.reliablekafka.routing;

import org.jspecify.annotations.NullMarked;
