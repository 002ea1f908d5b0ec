package dev.reliablekafka.benchmarks;

/**
 * How big a run is: {@link #FULL} for the figures in the README, {@link #SMOKE} to check in seconds that every
 * scenario still runs.
 *
 * @param name the name
 * @param healthyRecords records of the healthy path without work
 * @param workRecords records of scenarios with 100 µs of work per record
 * @param isolationRecordsPerPartition records per partition of the isolation scenario
 * @param failingRecords records of the scenario where a tenth of them fail once
 * @param latenessRecords records of the lateness scenario, for our listener
 * @param slowLatenessRecords records of the lateness scenario for {@code @RetryableTopic}, which looks up the
 * partitions of its retry topic for every failed record and so needs minutes for what takes ours seconds
 * @param parkedSmall the smaller parked backlog
 * @param parkedLarge the larger parked backlog
 * @param warmUps discarded runs per contender
 * @param runs measured runs per contender
 */
record Scale(String name, int healthyRecords, int workRecords, int isolationRecordsPerPartition, int failingRecords,
		int latenessRecords, int slowLatenessRecords, int parkedSmall, int parkedLarge, int warmUps, int runs) {

	static final Scale FULL = new Scale("full", 400_000, 20_000, 20_000, 10_000, 10_000, 500, 10_000, 1_000_000, 1, 3);

	static final Scale SMOKE = new Scale("smoke", 1_000, 200, 100, 50, 50, 20, 1_000, 5_000, 0, 1);

	static Scale named(String name) {
		return "smoke".equals(name) ? SMOKE : FULL;
	}

}
