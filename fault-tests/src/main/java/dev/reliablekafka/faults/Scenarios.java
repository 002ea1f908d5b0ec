package dev.reliablekafka.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;

/**
 * The fault scenarios. Each produces records with unique keys, injects its faults at random moments (seeded),
 * waits for the drain and checks the outcome.
 */
final class Scenarios {

	private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(4);

	private final BrokerProcess broker;

	private final Path dir;

	private final Random random;

	Scenarios(BrokerProcess broker, Path dir, long seed) {
		this.broker = broker;
		this.dir = dir;
		this.random = new Random(seed);
	}

	/**
	 * F1: the application is killed with {@code kill -9} at random moments while records flow, and restarted.
	 * @param extraArgs application arguments, e.g. the broken forwarder
	 */
	Result consumerKills(Mode mode, int records, int kills, Duration produceOver, Duration quietLimit,
			String... extraArgs) {
		FaultRun run = new FaultRun(this.broker, "F1", mode, this.dir).faultKind("app kill -9")
			.args("--faults.work-millis=1")
			.args(extraArgs);
		try {
			run.start(0);
			Workload workload = run.workload(records, produceOver, 500);
			workload.start();
			for (int i = 0; i < kills; i++) {
				run.awaitProcessing(Duration.ofSeconds(15));
				pause(200, 3000);
				run.kill(0);
				run.start(0);
			}
			Set<String> produced = workload.awaitAcknowledged(Duration.ofMinutes(3));
			long drainFrom = Math.max(System.currentTimeMillis(), workload.finishedAt());
			return run.drainAndCheck(produced, drainFrom, quietLimit, DRAIN_TIMEOUT);
		}
		finally {
			run.stopAll();
		}
	}

	/**
	 * F2: the broker is killed with {@code kill -9} at random moments, down for a while each time, while the
	 * application runs.
	 */
	Result brokerKills(Mode mode, int records, int kills, Duration down, Duration produceOver) {
		FaultRun run = new FaultRun(this.broker, "F2", mode, this.dir).faultKind("broker kill -9, " + down.toSeconds() + " s down");
		try {
			run.start(0);
			Workload workload = run.workload(records, produceOver);
			workload.start();
			for (int i = 0; i < kills; i++) {
				pause(2000, 6000);
				this.broker.kill();
				run.fault();
				BrokerProcess.sleep(down.toMillis());
				this.broker.start();
			}
			Set<String> produced = workload.awaitAcknowledged(Duration.ofMinutes(4));
			long drainFrom = Math.max(System.currentTimeMillis(), workload.finishedAt());
			return run.drainAndCheck(produced, drainFrom, Duration.ofSeconds(60), DRAIN_TIMEOUT);
		}
		finally {
			run.stopAll();
		}
	}

	private void pause(int minMillis, int maxMillis) {
		BrokerProcess.sleep(minMillis + this.random.nextInt(maxMillis - minMillis));
	}

}
