package dev.reliablekafka.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

	private static final Pattern ROW = Pattern.compile("^\\| `([a-z][a-z0-9.<>-]*)` \\|(.*)$");

	@Test
	void everyDocumentedPropertyIsInTheMetadataWithItsDefault() throws IOException {
		Map<String, JsonNode> metadata = metadata();
		Map<String, String> documented = documentedDefaults();
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
			String literal = literal(readmeDefault);
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
		Set<String> documented = documentedDefaults().keySet();
		List<String> undocumented = metadata().keySet()
			.stream()
			.filter(name -> !documented.contains(name) && !name.equals("reliable.kafka.listeners"))
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

	/**
	 * The README's per-listener table lists settings relative to {@code defaults.} (the same under
	 * {@code listeners.<id>.}); its global tables list full names.
	 */
	private static Map<String, String> documentedDefaults() throws IOException {
		Map<String, String> documented = new LinkedHashMap<>();
		boolean perListener = false;
		for (String line : Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8)) {
			if (line.startsWith("| property (under `defaults.`")) {
				perListener = true;
			}
			else if (line.startsWith("| property |")) {
				perListener = false;
			}
			Matcher row = ROW.matcher(line);
			if (!row.matches()) {
				continue;
			}
			List<String> cells = cells(row.group(2));
			if (perListener && cells.size() == 3) {
				documented.put("reliable.kafka.defaults." + row.group(1), cells.get(1));
			}
			else if (!perListener && row.group(1).startsWith("reliable.kafka.") && cells.size() == 2) {
				documented.put(row.group(1), cells.get(0));
			}
		}
		return documented;
	}

	private static List<String> cells(String rest) {
		List<String> cells = new ArrayList<>();
		for (String cell : rest.split("\\|", -1)) {
			cells.add(cell.trim());
		}
		if (!cells.isEmpty() && cells.get(cells.size() - 1).isEmpty()) {
			cells.remove(cells.size() - 1);
		}
		return cells;
	}

	/** The default as a literal value, when the README states one: the first code span of the cell. */
	private static String literal(String cell) {
		Matcher code = Pattern.compile("`([^`]*)`").matcher(cell);
		if (!code.find() || cell.startsWith("broker's")) {
			return null;
		}
		return code.group(1);
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
