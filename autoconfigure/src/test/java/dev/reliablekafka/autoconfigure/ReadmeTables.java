package dev.reliablekafka.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads the README's configuration tables, so that tests hold the library to what the README tells users.
 */
final class ReadmeTables {

	private static final Pattern ROW = Pattern.compile("^\\| `([a-z][a-z0-9.<>-]*)` \\|(.*)$");

	private ReadmeTables() {
	}

	/**
	 * The README's per-listener table lists settings relative to {@code defaults.} (the same under
	 * {@code listeners.<id>.}); its global tables list full names.
	 */
	static Map<String, String> documentedDefaults() throws IOException {
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
	static @Nullable String literal(String cell) {
		Matcher code = Pattern.compile("`([^`]*)`").matcher(cell);
		if (!code.find() || cell.startsWith("broker's")) {
			return null;
		}
		return code.group(1);
	}

}
