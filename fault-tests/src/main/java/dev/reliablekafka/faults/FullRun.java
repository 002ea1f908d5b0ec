package dev.reliablekafka.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The full run (F1, F2, F5, F5b, F4, F7, F3, F6), started by the {@code faults} Maven profile: one broker process for all
 * scenarios, one markdown table line per scenario and mode, written to the report file; exits with 1 if any
 * scenario failed its checks.
 */
public final class FullRun {

	private FullRun() {
	}

	/**
	 * Run every scenario.
	 * @param args the working directory and the report file
	 */
	public static void main(String[] args) throws IOException {
		Path dir = Path.of(args[0]);
		Path report = Path.of(args[1]);
		long seed = Long.getLong("faults.seed", 11);
		String only = System.getProperty("faults.scenarios", "all");
		long start = System.nanoTime();
		List<Result> results = new ArrayList<>();
		try (BrokerProcess broker = new BrokerProcess(dir.resolve("broker"))) {
			broker.start();
			Scenarios scenarios = new Scenarios(broker, dir, seed);
			for (Mode mode : Mode.values()) {
				run(results, only, "F1", mode, () -> scenarios.consumerKills(mode, 15_000, 10, Duration.ofSeconds(70),
						Duration.ofSeconds(60)));
			}
			for (Mode mode : Mode.values()) {
				run(results, only, "F2", mode,
						() -> scenarios.brokerKills(mode, 10_000, 3, Duration.ofSeconds(10), Duration.ofSeconds(40)));
			}
			for (Mode mode : Mode.values()) {
				run(results, only, "F5", mode,
						() -> scenarios.handOffOutage(mode, 10_000, Duration.ofSeconds(30), Duration.ofSeconds(30)));
			}
			run(results, only, "F5b", Mode.RETRY_TOPIC, () -> scenarios.unreadableRetryTopic(Mode.RETRY_TOPIC, 10_000,
					Duration.ofSeconds(30), Duration.ofSeconds(30)));
			run(results, only, "F4", Mode.BLOCKING, scenarios::longBackOff);
			for (Mode mode : List.of(Mode.RETRY_TOPIC, Mode.RETRY_TOPIC_TX)) {
				run(results, only, "F7", mode, () -> scenarios.schedulerKills(mode, 10_000, 6, Duration.ofSeconds(40)));
			}
			RollingScenarios rolling = new RollingScenarios(broker, dir, seed);
			run(results, only, "F3", Mode.BLOCKING,
					() -> rolling.rebalanceStorm(Mode.BLOCKING, 1_000, Duration.ofSeconds(30)));
			run(results, only, "F3", Mode.RETRY_TOPIC,
					() -> rolling.rebalanceStorm(Mode.RETRY_TOPIC, 5_000, Duration.ofSeconds(30)));
			run(results, only, "F6", Mode.RETRY_TOPIC,
					() -> rolling.rollingConfigurationChange(Mode.RETRY_TOPIC, 3_000, Duration.ofSeconds(30)));
		}
		long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
		String text = table("Full run", results, seed, seconds);
		Files.createDirectories(report.toAbsolutePath().getParent());
		Files.writeString(report, text);
		System.out.println(text);
		if (!results.stream().allMatch(Result::passed)) {
			System.exit(1);
		}
	}

	static String table(String title, List<Result> results, long seed, long seconds) {
		StringBuilder text = new StringBuilder();
		text.append("## ").append(title).append(", ").append(Instant.now().truncatedTo(ChronoUnit.MINUTES))
			.append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, seed ").append(seed)
			.append(", ").append(seconds).append(" s\n\n").append(Result.header()).append('\n');
		results.forEach(result -> text.append(result.row()).append('\n'));
		return text.toString();
	}

	private static void run(List<Result> results, String only, String scenario, Mode mode, Supplier<Result> body) {
		if (only.equals("all") || List.of(only.split(",")).contains(scenario)) {
			results.add(run(scenario, mode, body));
		}
	}

	private static Result run(String scenario, Mode mode, Supplier<Result> body) {
		System.out.println("Running " + scenario + " " + mode.label());
		try {
			Result result = body.get();
			System.out.println(result.row());
			return result;
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			return new Result(scenario, mode, "-", 0, -1, 0, -1, 0, 0, 0, 0, 0, List.of("did not complete: " + ex));
		}
	}

}
