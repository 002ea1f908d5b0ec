package dev.reliablekafka.sample;

/**
 * An order, as JSON on {@code OrderTopic}.
 *
 * @param id the order id
 * @param failures how many times processing it fails (a simulated database deadlock); -1 for always
 */
public record Order(String id, int failures) {

	/** Value of {@link #failures()} for an order that always fails. */
	public static final int ALWAYS = -1;

}
