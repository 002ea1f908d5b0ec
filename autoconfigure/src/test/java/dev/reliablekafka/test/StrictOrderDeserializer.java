package dev.reliablekafka.test;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Accepts only values of the form {@code order:<text>}; anything else is a poison record.
 */
public class StrictOrderDeserializer implements Deserializer<String> {

	@Override
	public String deserialize(String topic, byte[] data) {
		String text = new String(data, StandardCharsets.UTF_8);
		if (!text.startsWith("order:")) {
			throw new SerializationException("Not an order: " + text);
		}
		return text.substring("order:".length());
	}

}
