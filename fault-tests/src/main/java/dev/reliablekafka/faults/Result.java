package dev.reliablekafka.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one scenario in one mode, and what failed its checks.
 *
 * @param scenario e.g. {@code F1}
 * @param mode the mode
 * @param faults what was injected, e.g. {@code 10× app kill -9}
 * @param records records the broker acknowledged to the driver
 * @param lost produced − processed − dead-lettered
 * @param duplicates processings beyond the first of a record (at-least-once; reported, not a failure)
 * @param orderViolations BLOCKING only: records processed before an earlier record of their partition; -1 n/a
 * @param deadLettered records in the dead-letter topic
 * @param duplicateHandOffs records on a tier, retry or dead-letter topic more than once with the same reconsume
 * count, as a read_committed reader sees them
 * @param early redeliveries processed before their due time
 * @param parked records in the namespace's parking topic
 * @param drainMillis from the end of the last fault (or of production) to the last processing
 * @param problems the checks that failed, empty when it passed
 */
record Result(String scenario, Mode mode, String faults, int records, int lost, int duplicates, int orderViolations,
		int deadLettered, int duplicateHandOffs, int early, int parked, long drainMillis, List<String> problems) {

	/**
	 * Return this result with one more failed check.
	 */
	Result withProblem(String problem) {
		List<String> all = new ArrayList<>(this.problems);
		all.add(problem);
		return new Result(this.scenario, this.mode, this.faults, this.records, this.lost, this.duplicates,
				this.orderViolations, this.deadLettered, this.duplicateHandOffs, this.early, this.parked,
				this.drainMillis, List.copyOf(all));
	}

	boolean passed() {
		return this.problems.isEmpty();
	}

	static String header() {
		return "| scenario | mode | records | faults | lost | duplicates | order violations | dead-lettered "
				+ "| duplicate hand-offs | early | drain s | result |\n"
				+ "|---|---|---|---|---|---|---|---|---|---|---|---|";
	}

	String row() {
		return "| " + this.scenario + " | " + this.mode.label() + " | " + this.records + " | " + this.faults + " | "
				+ this.lost + " | " + this.duplicates + " | "
				+ ((this.orderViolations >= 0) ? String.valueOf(this.orderViolations) : "n/a") + " | "
				+ this.deadLettered + " | " + this.duplicateHandOffs + " | " + this.early + " | "
				+ String.format("%.1f", this.drainMillis / 1000.0) + " | "
				+ (passed() ? "pass" : "**FAIL**: " + String.join("; ", this.problems)) + " |";
	}

}
