package dev.reliablekafka.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The scenarios with several application instances: a rebalance storm (F3) and a rolling configuration change
 * (F6).
 */
final class RollingScenarios {

	private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(4);

	private static final long BACK_OFF_MILLIS = 2000;

	private final BrokerProcess broker;

	private final Path dir;

	private final Random random;

	RollingScenarios(BrokerProcess broker, Path dir, long seed) {
		this.broker = broker;
		this.dir = dir;
		this.random = new Random(seed);
	}

	/**
	 * F3: instance 0 runs throughout; instances 1 and 2 join and leave, gracefully and by {@code kill -9}, while
	 * partitions are in 2 s back-offs (BLOCKING) or records wait in 2 to 6 s delay tiers (RETRY_TOPIC). Early
	 * counts redeliveries before their due time, and for BLOCKING a record delivered again by the same instance
	 * before its back-off ended; a partition that moved to another instance is delivered there at once (as after a
	 * restart), which the faults column counts.
	 */
	Result rebalanceStorm(Mode mode, int records, Duration produceOver) {
		FaultRun run = new FaultRun(this.broker, "F3", mode, this.dir).faultKind("joins and leaves");
		if (mode.blocking()) {
			run.args("--faults.fail-once-every=50", "--faults.always-fail-every=200",
					"--reliable.kafka.listeners.faults.blocking.initial-interval=" + BACK_OFF_MILLIS + "ms",
					"--reliable.kafka.listeners.faults.blocking.max-interval=" + BACK_OFF_MILLIS + "ms");
		}
		else {
			run.args("--reliable.kafka.listeners.faults.retry-topic.delay-levels=2s,4s,6s");
		}
		try {
			run.start(0);
			Workload workload = run.workload(records, produceOver);
			workload.start();
			run.awaitProcessing(Duration.ofSeconds(15));
			List<Runnable> steps = List.of(() -> run.start(1), () -> run.start(2), () -> stop(run, 1),
					() -> run.kill(2), () -> run.start(1), () -> run.start(2), () -> run.kill(1), () -> stop(run, 2));
			for (Runnable step : steps) {
				pause(1000, 3000);
				step.run();
			}
			Set<String> produced = workload.awaitAcknowledged(Duration.ofMinutes(3));
			long drainFrom = Math.max(System.currentTimeMillis(), workload.finishedAt());
			Result result = run.drainAndCheck(produced, drainFrom, Duration.ofSeconds(60), DRAIN_TIMEOUT);
			if (!mode.blocking()) {
				return relabel(result, steps.size() + " joins and leaves (2 by kill -9)", result.early());
			}
			BackOffs backOffs = backOffs(new EventLogReader(run.eventLog()));
			Result relabelled = relabel(result, steps.size() + " joins and leaves (2 by kill -9); "
					+ backOffs.movedEarly + " back-offs ended by a move to another instance", backOffs.sameInstanceEarly);
			return (backOffs.sameInstanceEarly > 0)
					? relabelled.withProblem(backOffs.sameInstanceEarly + " back-offs cut short on the same instance")
					: relabelled;
		}
		finally {
			run.stopAll();
		}
	}

	/**
	 * F6: two instances with {@code max-reconsume-times} 16 and delay levels 1 to 5 s are replaced one by one by
	 * instances with 3 and levels of 0.5 to 2 s while records are parked: every record is processed or
	 * dead-lettered.
	 */
	Result rollingConfigurationChange(Mode mode, int records, Duration produceOver) {
		FaultRun run = new FaultRun(this.broker, "F6", mode, this.dir).faultKind("rolling restarts")
			.args("--reliable.kafka.listeners.faults.retry-topic.delay-levels=1s,2s,3s,4s,5s",
					"--reliable.kafka.listeners.faults.retry-topic.max-reconsume-times=16");
		try {
			run.start(0);
			run.start(1);
			Workload workload = run.workload(records, produceOver);
			workload.start();
			run.awaitProcessing(Duration.ofSeconds(15));
			pause(5000, 8000);
			run.args("--reliable.kafka.listeners.faults.retry-topic.delay-levels=500ms,1s,2s",
					"--reliable.kafka.listeners.faults.retry-topic.max-reconsume-times=3");
			for (int instance = 0; instance < 2; instance++) {
				stop(run, instance);
				run.start(instance);
				pause(3000, 5000);
			}
			Set<String> produced = workload.awaitAcknowledged(Duration.ofMinutes(3));
			long drainFrom = Math.max(System.currentTimeMillis(), workload.finishedAt());
			Result result = run.drainAndCheck(produced, drainFrom, Duration.ofSeconds(60), DRAIN_TIMEOUT);
			return relabel(result, "2 instances replaced: max-reconsume-times 16 → 3, levels 1s–5s → 0.5s–2s",
					result.early());
		}
		finally {
			run.stopAll();
		}
	}

	private static void stop(FaultRun run, int instance) {
		AppProcess app = run.app(instance);
		if (app != null) {
			app.stop();
			run.fault();
		}
	}

	private static Result relabel(Result result, String faults, int early) {
		return new Result(result.scenario(), result.mode(), faults, result.records(), result.lost(),
				result.duplicates(), result.orderViolations(), result.deadLettered(), result.duplicateHandOffs(), early,
				result.parked(), result.drainMillis(), result.problems());
	}

	/**
	 * Count deliveries that followed a failure of the same record sooner than the back-off, by the same instance
	 * and by another one.
	 */
	private static BackOffs backOffs(EventLogReader log) {
		log.poll();
		Map<String, Event> lastFailure = new HashMap<>();
		BackOffs backOffs = new BackOffs();
		for (Event event : log.events()) {
			Event failure = lastFailure.remove(event.key());
			if (failure != null && event.time() - failure.time() < BACK_OFF_MILLIS) {
				if (failure.instance().equals(event.instance())) {
					backOffs.sameInstanceEarly++;
				}
				else {
					backOffs.movedEarly++;
				}
			}
			if (!event.processed()) {
				lastFailure.put(event.key(), event);
			}
		}
		return backOffs;
	}

	private void pause(int minMillis, int maxMillis) {
		BrokerProcess.sleep(minMillis + this.random.nextInt(maxMillis - minMillis));
	}

	private static final class BackOffs {

		int sameInstanceEarly;

		int movedEarly;

	}

}
