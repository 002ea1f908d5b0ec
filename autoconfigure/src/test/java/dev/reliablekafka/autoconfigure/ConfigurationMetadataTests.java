package dev.reliablekafka.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata the build generates ({@code spring-configuration-metadata.json}) holds every property the
 * README's configuration tables document, with the default the README states, and documents nothing the README
 * leaves out.
 */
class ConfigurationMetadataTests {

	/** Defaults taken from elsewhere at run time, which the metadata cannot state. */
	private static final Set<String> DERIVED_DEFAULTS = Set.of("reliable.kafka.topics.namespace");

	@Test
	void everyDocumentedPropertyIsInTheMetadataWithItsDefault() throws IOException {
		Map<String, JsonNode> metadata = metadata();
		Map<String, String> documented = ReadmeTables.documentedDefaults();
		assertThat(documented).hasSizeGreaterThan(20);
		List<String> problems = new ArrayList<>();
		documented.forEach((name, readmeDefault) -> {
			JsonNode property = metadata.get(name);
			if (property == null) {
				problems.add(name + " is documented but not in the metadata");
				return;
			}
			if (property.path("description").asString("").isBlank()) {
				problems.add(name + " has no description");
			}
			String literal = ReadmeTables.literal(readmeDefault);
			if (literal != null && !DERIVED_DEFAULTS.contains(name)) {
				String stated = text(property.get("defaultValue"));
				if (!literal.equals(stated)) {
					problems.add(name + " defaults to " + literal + " in the README but to " + stated + " in the metadata");
				}
			}
		});
		assertThat(problems).isEmpty();
	}

	@Test
	void everyPropertyInTheMetadataIsDocumented() throws IOException {
		Set<String> documented = ReadmeTables.documentedDefaults().keySet();
		List<String> undocumented = metadata().keySet()
			.stream()
			.filter(name -> name.startsWith("reliable.kafka.") && !documented.contains(name)
					&& !name.equals("reliable.kafka.listeners"))
			.toList();
		assertThat(undocumented).isEmpty();
	}

	@Test
	void modeAndExceptionsHaveValueHints() throws IOException {
		JsonNode root = root();
		List<String> hinted = new ArrayList<>();
		root.get("hints").forEach(hint -> hinted.add(hint.get("name").asString()));
		assertThat(hinted).contains("reliable.kafka.defaults.mode", "reliable.kafka.listeners.values.mode",
				"reliable.kafka.defaults.not-retryable-exceptions",
				"reliable.kafka.listeners.values.not-retryable-exceptions",
				"reliable.kafka.defaults.retry-topic.delay-levels");
	}

	private static String text(JsonNode value) {
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach(item -> items.add(item.asString()));
			return String.join(" ", items);
		}
		return value.asString();
	}

	private static Map<String, JsonNode> metadata() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		root().get("properties").forEach(property -> properties.put(property.get("name").asString(), property));
		return properties;
	}

	private static JsonNode root() throws IOException {
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonNode root = JsonMapper.builder().build().readTree(in);
				if (root.get("groups").toString().contains("\"reliable.kafka\"")) {
					return root;
				}
			}
		}
		throw new IllegalStateException("No spring-configuration-metadata.json of reliable.kafka on the class path; "
				+ Collections.list(ConfigurationMetadataTests.class.getClassLoader()
					.getResources("META-INF/spring-configuration-metadata.json"))
					.stream()
					.map(URL::toString)
					.collect(Collectors.joining(", ")));
	}

}
