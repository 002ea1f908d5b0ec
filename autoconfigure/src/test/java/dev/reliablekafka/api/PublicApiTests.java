package dev.reliablekafka.api;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.reliablekafka.ReliableHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's API is small and named: every public type outside {@code dev.reliablekafka.internal} is one
 * users touch (or that Spring Boot must see, the auto-configurations), and the README lists them. A public class
 * added anywhere else fails here until it is moved under {@code internal} or made API on purpose.
 */
class PublicApiTests {

	private static final Set<String> API = Set.of("dev.reliablekafka.ReliableHeaders",
			"dev.reliablekafka.ReliableKafkaConfigurationException", "dev.reliablekafka.ListenerSettings",
			"dev.reliablekafka.annotation.ReliableListener",
			"dev.reliablekafka.annotation.ReliableMode", "dev.reliablekafka.autoconfigure.ReliableKafkaProperties",
			"dev.reliablekafka.autoconfigure.ReliableKafkaAutoConfiguration",
			"dev.reliablekafka.autoconfigure.ReliableKafkaDeadLetterAutoConfiguration",
			"dev.reliablekafka.autoconfigure.ReliableKafkaEndpointAutoConfiguration",
			"dev.reliablekafka.autoconfigure.ReliableKafkaObservabilityAutoConfiguration",
			"dev.reliablekafka.deadletter.DeadLetters", "dev.reliablekafka.deadletter.DeadLetter",
			"dev.reliablekafka.deadletter.DeadLetterPage", "dev.reliablekafka.deadletter.DeadLetterQuery",
			"dev.reliablekafka.deadletter.Preview", "dev.reliablekafka.deadletter.RedriveRequest",
			"dev.reliablekafka.deadletter.RedriveResult", "dev.reliablekafka.deadletter.RedriveTarget",
			"dev.reliablekafka.deadletter.InvalidDeadLetterRequestException");

	@Test
	void everyPublicTypeOutsideInternalIsApi() throws Exception {
		assertThat(publicTopLevelTypesOutsideInternal()).containsExactlyInAnyOrderElementsOf(API);
	}

	@Test
	void theReadmeNamesEveryApiType() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		String section = readme.substring(readme.indexOf("### API"));
		for (String type : API) {
			if (!type.contains(".autoconfigure.ReliableKafka") || type.endsWith("Properties")) {
				assertThat(section).as(type).contains(type.substring(type.lastIndexOf('.') + 1) + "`");
			}
		}
	}

	private static Set<String> publicTopLevelTypesOutsideInternal() throws Exception {
		Path classes = Path.of(ReliableHeaders.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Set<String> found = new TreeSet<>();
		List<Path> files;
		try (Stream<Path> walk = Files.walk(classes)) {
			files = walk.filter(file -> file.toString().endsWith(".class")).toList();
		}
		for (Path file : files) {
			String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
			name = name.substring(0, name.length() - ".class".length());
			if (name.contains("$") || name.endsWith("package-info") || name.startsWith("dev.reliablekafka.internal.")) {
				continue;
			}
			if (Modifier.isPublic(Class.forName(name, false, PublicApiTests.class.getClassLoader()).getModifiers())) {
				found.add(name);
			}
		}
		return found;
	}

}
