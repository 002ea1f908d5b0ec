package dev.reliablekafka.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The fault scenarios. Each produces records with unique keys, injects its faults at random moments (seeded),
 * waits for the drain and checks the outcome.
 */
final class Scenarios {

	private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(4);

	private static final String POLL_TIMEOUT = "poll timeout has expired";

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

	/**
	 * F4: a 60 s back-off with {@code max.poll.interval.ms} 10 s: no rebalance, and the record is processed after
	 * the back-off, not before.
	 */
	Result longBackOff() {
		FaultRun run = new FaultRun(this.broker, "F4", Mode.BLOCKING, this.dir).faultKind("60 s back-off")
			.args("--faults.fail-once-every=50", "--faults.always-fail-every=0",
					"--reliable.kafka.listeners.faults.blocking.initial-interval=60s",
					"--reliable.kafka.listeners.faults.blocking.max-interval=60s",
					"--spring.kafka.consumer.properties.max.poll.interval.ms=10000");
		try {
			AppProcess app = run.start(0);
			Workload workload = run.workload(100, Duration.ofSeconds(1));
			workload.start();
			Set<String> produced = workload.awaitAcknowledged(Duration.ofMinutes(1));
			long drainFrom = System.currentTimeMillis();
			run.awaitProcessing(Duration.ofSeconds(30));
			BrokerProcess.sleep(2000);
			Set<String> membersBefore = members(run);
			Result result = run.drainAndCheck(produced, drainFrom, Duration.ofSeconds(90), DRAIN_TIMEOUT);
			result = new Result(result.scenario(), result.mode(), "2 records × 60 s back-off, max.poll.interval.ms 10 s",
					result.records(), result.lost(), result.duplicates(), result.orderViolations(),
					result.deadLettered(), result.duplicateHandOffs(), result.early(), result.parked(),
					result.drainMillis(), result.problems());
			Set<String> membersAfter = members(run);
			if (read(app.output()).contains(POLL_TIMEOUT) || !membersAfter.equals(membersBefore)) {
				result = result.withProblem("the group rebalanced (members " + membersBefore + " then " + membersAfter
						+ "), see " + app.output());
			}
			long shortest = shortestWait(new EventLogReader(run.eventLog()));
			if (shortest == Long.MAX_VALUE) {
				result = result.withProblem("no record failed and came back");
			}
			else if (shortest < 60_000) {
				result = result.withProblem("a back-off ended after " + shortest + " ms");
			}
			return result;
		}
		finally {
			run.stopAll();
		}
	}

	/**
	 * F5: the retry and dead-letter topics refuse every write for a while (an ACL that denies WRITE to the
	 * application's principal: an outage of those topics that deletes nothing they hold), then accept them again.
	 */
	Result handOffOutage(Mode mode, int records, Duration outage, Duration produceOver) {
		FaultRun run = new FaultRun(this.broker, "F5", mode, this.dir)
			.faultKind("retry and dead-letter topics refuse writes for " + outage.toSeconds() + " s");
		return aclOutage(run, records, outage, produceOver, List.of(run.retryTopic(), run.deadLetterTopic()),
				AclOperation.WRITE);
	}

	/**
	 * F5b: the retry topic refuses reads for a while (an ACL that denies READ), then allows them again: the
	 * listener's consumer must come back to it.
	 */
	Result unreadableRetryTopic(Mode mode, int records, Duration outage, Duration produceOver) {
		FaultRun run = new FaultRun(this.broker, "F5b", mode, this.dir)
			.faultKind("retry topic refuses reads for " + outage.toSeconds() + " s");
		return aclOutage(run, records, outage, produceOver, List.of(run.retryTopic()), AclOperation.READ);
	}

	private Result aclOutage(FaultRun run, int records, Duration outage, Duration produceOver, List<String> topics,
			AclOperation denied) {
		try {
			run.start(0);
			Workload workload = run.workload(records, produceOver);
			workload.start();
			run.awaitProcessing(Duration.ofSeconds(15));
			pause(2000, 4000);
			List<AclBinding> denials = new ArrayList<>();
			for (String topic : topics) {
				// Once a topic has an ACL, what no ACL allows is denied: allow everything, then deny one operation.
				denials.add(acl(topic, AclOperation.ALL, AclPermissionType.ALLOW));
				denials.add(acl(topic, denied, AclPermissionType.DENY));
			}
			try (Admin admin = this.broker.admin()) {
				admin.createAcls(denials).all().get(30, TimeUnit.SECONDS);
				run.fault();
				BrokerProcess.sleep(outage.toMillis());
				admin.deleteAcls(denials.stream().map(AclBinding::toFilter).toList()).all().get(30, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not change the ACLs", ex);
			}
			Set<String> produced = workload.awaitAcknowledged(Duration.ofMinutes(3));
			long drainFrom = Math.max(System.currentTimeMillis(), workload.finishedAt());
			return run.drainAndCheck(produced, drainFrom, Duration.ofSeconds(60), DRAIN_TIMEOUT);
		}
		finally {
			run.stopAll();
		}
	}

	private static AclBinding acl(String topic, AclOperation operation, AclPermissionType permission) {
		return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
				new AccessControlEntry("User:ANONYMOUS", "*", operation, permission));
	}

	/**
	 * F7: two instances with longer delays, so that their schedulers hold due records; each in turn is killed with
	 * {@code kill -9} and restarted. Nothing lost, nothing early.
	 */
	Result schedulerKills(Mode mode, int records, int kills, Duration produceOver) {
		FaultRun run = new FaultRun(this.broker, "F7", mode, this.dir).faultKind("scheduler instance kill -9")
			.args("--faults.fail-once-every=5", "--reliable.kafka.listeners.faults.retry-topic.delay-levels=2s,4s,6s");
		try {
			run.start(0);
			run.start(1);
			Workload workload = run.workload(records, produceOver);
			workload.start();
			for (int i = 0; i < kills; i++) {
				run.awaitProcessing(Duration.ofSeconds(15));
				pause(2000, 6000);
				run.kill(i % 2);
				run.start(i % 2);
			}
			Set<String> produced = workload.awaitAcknowledged(Duration.ofMinutes(3));
			long drainFrom = Math.max(System.currentTimeMillis(), workload.finishedAt());
			return run.drainAndCheck(produced, drainFrom, Duration.ofSeconds(60), DRAIN_TIMEOUT);
		}
		finally {
			run.stopAll();
		}
	}

	private Set<String> members(FaultRun run) {
		String group = run.names().get("group");
		try (Admin admin = this.broker.admin()) {
			return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS)
				.members().stream().map(member -> member.consumerId()).collect(Collectors.toCollection(TreeSet::new));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not describe " + group, ex);
		}
	}

	private static long shortestWait(EventLogReader log) {
		log.poll();
		Map<String, Long> failed = new HashMap<>();
		long shortest = Long.MAX_VALUE;
		for (Event event : log.events()) {
			if (!event.processed()) {
				failed.putIfAbsent(event.key(), event.time());
			}
			else if (failed.containsKey(event.key())) {
				shortest = Math.min(shortest, event.time() - failed.remove(event.key()));
			}
		}
		return shortest;
	}

	private void pause(int minMillis, int maxMillis) {
		BrokerProcess.sleep(minMillis + this.random.nextInt(maxMillis - minMillis));
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
