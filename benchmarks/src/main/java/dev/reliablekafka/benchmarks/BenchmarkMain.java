package dev.reliablekafka.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs every scenario on one in-process broker and writes the markdown report.
 * Arguments: {@code full|smoke}, the report file and, optionally, a comma-separated list of scenario numbers; the
 * system property {@code benchmark.scenarios} chooses them too (e.g. {@code -Dbenchmark.scenarios=3,6,8}).
 */
public final class BenchmarkMain {

	private static final Set<String> ALL = Set.of("1", "2", "3", "4", "5", "7", "8", "9");

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws IOException {
		Scale scale = Scale.named((args.length > 0) ? args[0] : "full");
		Path output = Path.of((args.length > 1) ? args[1] : "benchmark-results.md");
		Set<String> only = selected(System.getProperty("benchmark.scenarios", (args.length > 2) ? args[2] : "all"));
		String report = run(scale, only);
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, report);
		System.out.println(report);
		System.out.println("Written to " + output.toAbsolutePath());
		System.exit(0);
	}

	/**
	 * The scenarios a comma-separated list names; {@code all} or nothing for all of them. Scenario 6 is measured
	 * with scenario 3, so either number runs both.
	 */
	static Set<String> selected(String list) {
		if (list.isBlank() || "all".equals(list.trim())) {
			return ALL;
		}
		Set<String> chosen = new java.util.HashSet<>();
		for (String number : list.split(",")) {
			chosen.add("6".equals(number.trim()) ? "3" : number.trim());
		}
		return chosen;
	}

	static String run(Scale scale) {
		return run(scale, ALL);
	}

	/**
	 * Run the chosen scenarios.
	 * @param scale how many records
	 * @param only the numbers of the scenarios to run (3 includes 6, and both with network latency)
	 * @return the markdown report
	 */
	static String run(Scale scale, Set<String> only) {
		Instant start = Instant.now();
		StringBuilder report = new StringBuilder("# Benchmark results (" + scale.name() + " run)\n\n");
		report.append(String.format("Machine: %d cores, %s, Java %s, max heap %d MiB. One in-process KRaft broker, "
				+ "4 partitions, 512-byte records, one consumer thread per contender; %d warm-up and %d measured runs.%n%n",
				Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
				System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / 1048576, scale.warmUps(),
				scale.runs()));
		try (BenchmarkBroker broker = new BenchmarkBroker()) {
			Scenarios scenarios = new Scenarios(broker, scale);
			Map<String, Supplier<String>> all = new LinkedHashMap<>();
			all.put("1", scenarios::healthyPath);
			all.put("2", scenarios::blockingIsolation);
			LatencyScenarios delayed = new LatencyScenarios(broker, scale);
			all.put("3", () -> scenarios.tenPercentFailing() + "\n" + delayed.tenPercentFailing());
			all.put("4", scenarios::lateness);
			all.put("5", scenarios::parkedBacklog);
			all.put("7", scenarios::topicFootprint);
			all.put("8", new OutageScenario(broker, scale)::run);
			all.put("9", new BackOffPrecision(broker, scale)::run);
			all.forEach((number, scenario) -> {
				if (only.contains(number)) {
					Instant scenarioStart = Instant.now();
					report.append(scenario.get());
					report.append(String.format("%n_Scenario run time: %d s._%n%n",
							Duration.between(scenarioStart, Instant.now()).toSeconds()));
				}
			});
		}
		report.append(String.format("Run time: %d s.%n", Duration.between(start, Instant.now()).toSeconds()));
		return report.toString();
	}

}
