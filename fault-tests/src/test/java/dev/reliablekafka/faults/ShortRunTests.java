package dev.reliablekafka.faults;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short run of F1, part of every build: 5,000 records per mode, the application killed with {@code kill -9}
 * twice while they flow; nothing may be lost, BLOCKING must keep the order, and with transactions no hand-off may
 * be duplicated.
 */
class ShortRunTests {

	private static final List<Result> results = new ArrayList<>();

	@ParameterizedTest
	@EnumSource(Mode.class)
	void consumerKillsLoseNothing(Mode mode) {
		Result result = new Scenarios(SharedBroker.get(), SharedBroker.dir(), 11).consumerKills(mode, 5_000, 2,
				Duration.ofSeconds(20), Duration.ofSeconds(30));
		results.add(result);
		System.out.println(result.row());
		assertThat(result.problems()).isEmpty();
		assertThat(result.lost()).isZero();
	}

	@AfterAll
	static void report() throws Exception {
		String text = FullRun.table("Short run", results, 11, 0);
		Files.writeString(SharedBroker.dir().resolve("short-report.md"), text);
		System.out.println(text);
	}

}
