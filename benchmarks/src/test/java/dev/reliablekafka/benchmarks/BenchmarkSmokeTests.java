package dev.reliablekafka.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every scenario at a tiny scale so that the harness never rots; the figures are not checked, only that
 * each scenario completes and reports.
 */
class BenchmarkSmokeTests {

	@Test
	void everyScenarioRunsAndReports() {
		String report = BenchmarkMain.run(Scale.SMOKE);
		assertThat(report).contains("## 1. Healthy path", "## 2. BLOCKING isolation", "## 3. 10 % of records fail once",
				"## 4. Redelivery lateness", "## 5. Parked backlog", "## 6. Exactly-once hand-off",
				"## 7. Topic footprint", "## 3 and 6 with +5 ms per round trip", "## 8. Outage");
		assertThat(report).contains("## 9. Back-off precision");
		assertThat(report).doesNotContain("NaN", "Infinity");
	}

	@Test
	void scenariosAreChosenByNumber() {
		assertThat(BenchmarkMain.selected("all")).contains("1", "3", "8");
		assertThat(BenchmarkMain.selected("6, 8")).containsExactlyInAnyOrder("3", "8");
	}

}
