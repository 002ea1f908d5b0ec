package dev.reliablekafka.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.jspecify.annotations.Nullable;

import org.springframework.util.FileSystemUtils;

/**
 * One scenario in one mode: its topic, group and application namespace, its application instances, and at the
 * end the drain and the check.
 */
final class FaultRun {

	static final int PARTITIONS = 4;

	private final BrokerProcess broker;

	private final String scenario;

	private final Mode mode;

	private final Path dir;

	private final String topic;

	private final String group;

	private final String namespace;

	private final List<String> extraArgs = new ArrayList<>();

	private final AppProcess[] apps = new AppProcess[8];

	private final int[] starts = new int[8];

	private int faults;

	private String faultKind = "faults";

	private int requested;

	private @Nullable CommitMonitor commits;

	/**
	 * Prepare a run: create its input topic.
	 * @param broker the broker
	 * @param scenario the scenario's id, e.g. {@code F1}
	 * @param mode the mode
	 * @param baseDir where runs keep their logs
	 */
	FaultRun(BrokerProcess broker, String scenario, Mode mode, Path baseDir) {
		this.broker = broker;
		this.scenario = scenario;
		this.mode = mode;
		// Runs sharing a broker are told apart by their directory's name.
		String id = (baseDir.getFileName() + "-" + scenario + "-" + mode.name()).toLowerCase().replace('_', '-');
		this.dir = baseDir.resolve(id);
		this.topic = "in-" + id;
		this.group = "group-" + id;
		this.namespace = "faults-" + id;
		try {
			FileSystemUtils.deleteRecursively(this.dir);
			Files.createDirectories(this.dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try (Admin admin = broker.admin()) {
			admin.createTopics(List.of(new NewTopic(this.topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create " + this.topic, ex);
		}
	}

	/**
	 * Name the kind of fault this run injects, for the report.
	 */
	FaultRun faultKind(String kind) {
		this.faultKind = kind;
		return this;
	}

	String faultLabel() {
		return this.faults + "× " + this.faultKind;
	}

	/**
	 * Add application arguments ({@code --name=value}) for every instance started from now on.
	 */
	FaultRun args(String... args) {
		this.extraArgs.addAll(List.of(args));
		return this;
	}

	/**
	 * Start (or restart) an application instance.
	 * @param instance its number, which keeps its transactional id prefix across restarts
	 */
	AppProcess start(int instance) {
		if (this.commits == null) {
			this.commits = new CommitMonitor(this.broker, this.group, this.topic);
		}
		this.starts[instance]++;
		Path output = this.dir.resolve("app-" + instance + "-" + this.starts[instance] + ".log");
		AppProcess app = AppProcess.start(appArgs(instance), output, instance);
		this.apps[instance] = app;
		return app;
	}

	/**
	 * Wait until the event log grows, so that a fault hits an application that is processing, not one still
	 * joining its group.
	 * @param timeout the longest wait
	 */
	void awaitProcessing(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		long size = logSize();
		while (System.nanoTime() < deadline && logSize() == size) {
			BrokerProcess.sleep(100);
		}
	}

	private long logSize() {
		try {
			return Files.exists(eventLog()) ? Files.size(eventLog()) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * Kill an instance with {@code kill -9}; counts as a fault.
	 */
	void kill(int instance) {
		AppProcess app = this.apps[instance];
		if (app != null) {
			app.kill();
			this.faults++;
		}
	}

	/**
	 * Count a fault injected from outside this run (a broker kill, an outage).
	 */
	void fault() {
		this.faults++;
	}

	/**
	 * Stop every running instance gracefully.
	 */
	void stopAll() {
		for (AppProcess app : this.apps) {
			if (app != null && app.isAlive()) {
				app.stop();
			}
		}
	}

	@Nullable AppProcess app(int instance) {
		return this.apps[instance];
	}

	Workload workload(int records, Duration spread) {
		return workload(records, spread, 1);
	}

	Workload workload(int records, Duration spread, int burst) {
		this.requested += records;
		return new Workload(this.broker.bootstrapServers(), this.topic, PARTITIONS, records, spread, burst);
	}

	/**
	 * Wait for the drain and check the outcome.
	 * @param produced the keys the broker acknowledged
	 * @param drainFrom when the drain started (the last fault or the end of production, whichever is later)
	 * @param quietLimit how long nothing may happen before the drain counts as stuck
	 * @param timeout the longest drain
	 */
	Result drainAndCheck(Set<String> produced, long drainFrom, Duration quietLimit, Duration timeout) {
		Drain drain = new Drain(this.broker.bootstrapServers(), eventLog(), deadLetterTopic());
		try (drain) {
			drain.await(produced, quietLimit, timeout);
			long drainMillis = Math.max(0, drain.lastActivity() - drainFrom);
			try (TopicReader handOffs = new TopicReader(this.broker.bootstrapServers())) {
				handOffs.read(handOffTopics());
				Optional<String> parked = handOffTopics().stream().filter(t -> t.endsWith(".parked")).findFirst();
				Result result = Checker.check(this, produced, drain.events(), handOffs.records(), drainMillis,
						parked.orElse(""));
				// A run that produced less than it meant to proves less: say so.
				if (produced.size() < this.requested) {
					result = result.withProblem(
							"the broker acknowledged " + produced.size() + " of " + this.requested + " records");
				}
				return prematureCommits(result, produced, drain.events(), handOffs.records());
			}
		}
	}

	/**
	 * Fail the result if the group ever committed an input offset past a record that was neither processed nor
	 * handed over (to a delay tier or the dead-letter topic) by then: a crash at that moment would have lost it.
	 */
	private Result prematureCommits(Result result, Set<String> produced, List<Event> events,
			List<TopicReader.HandOff> handOffs) {
		CommitMonitor monitor = this.commits;
		if (monitor == null) {
			return result;
		}
		monitor.close();
		List<String> premature = monitor.premature(produced, PARTITIONS, events, handOffs);
		return premature.isEmpty() ? result : result.withProblem(premature.size()
				+ " commits past a record not processed or handed over yet, e.g. " + premature.get(0));
	}

	private List<String> handOffTopics() {
		try (Admin admin = this.broker.admin()) {
			Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
			return names.stream()
				.filter(name -> name.startsWith(this.namespace + ".delay.") || name.equals(retryTopic())
						|| name.equals(deadLetterTopic()))
				.sorted()
				.collect(Collectors.toList());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not list topics", ex);
		}
	}

	private List<String> appArgs(int instance) {
		List<String> args = new ArrayList<>(List.of("--spring.kafka.bootstrap-servers=" + this.broker.bootstrapServers(),
				"--spring.application.name=" + this.namespace, "--spring.main.banner-mode=off",
				"--spring.kafka.consumer.auto-offset-reset=earliest",
				"--spring.kafka.consumer.properties.session.timeout.ms=6000",
				"--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
				"--spring.kafka.listener.concurrency=2", "--spring.kafka.listener.poll-timeout=1s",
				"--faults.topic=" + this.topic, "--faults.group=" + this.group,
				"--faults.log=" + eventLog().toAbsolutePath(), "--faults.instance=" + instance,
				"--reliable.kafka.listeners.faults.mode=" + this.mode.listenerMode(),
				"--reliable.kafka.forward-timeout=10s", "--logging.level.root=WARN",
				"--logging.level.org.springframework.kafka.listener=INFO", "--logging.level.dev.reliablekafka=INFO",
				"--logging.level.org.apache.kafka.clients=WARN"));
		if (this.mode.blocking()) {
			args.addAll(List.of("--reliable.kafka.listeners.faults.blocking.initial-interval=50ms",
					"--reliable.kafka.listeners.faults.blocking.max-interval=200ms",
					"--reliable.kafka.listeners.faults.blocking.max-attempts=3"));
		}
		else {
			args.addAll(List.of("--reliable.kafka.listeners.faults.retry-topic.delay-levels=200ms,500ms,1s",
					"--reliable.kafka.listeners.faults.retry-topic.first-delay-level=1",
					"--reliable.kafka.listeners.faults.retry-topic.max-reconsume-times=3",
					"--reliable.kafka.listeners.faults.blocking.initial-interval=100ms",
					"--reliable.kafka.listeners.faults.blocking.max-interval=1s"));
		}
		if (this.mode.transactional()) {
			args.add("--spring.kafka.producer.transaction-id-prefix=" + this.namespace + "-" + instance + "-");
		}
		args.addAll(this.extraArgs);
		// Extra options for every application of the run, e.g. to try a setting against a scenario.
		String common = System.getProperty("faults.app-args", "").trim();
		if (!common.isEmpty() && !common.startsWith("${")) {
			args.addAll(List.of(common.split("\\s+")));
		}
		// A repeated option would reach Spring as a list of both values: the last one given wins instead.
		Map<String, String> byName = new LinkedHashMap<>();
		args.forEach(arg -> byName.put(arg.substring(0, arg.indexOf('=') + 1), arg));
		return new ArrayList<>(byName.values());
	}

	Path eventLog() {
		return this.dir.resolve("events.tsv");
	}

	String scenario() {
		return this.scenario;
	}

	Mode mode() {
		return this.mode;
	}

	int faults() {
		return this.faults;
	}

	Path dir() {
		return this.dir;
	}

	String topic() {
		return this.topic;
	}

	String retryTopic() {
		return "retry." + this.group;
	}

	String deadLetterTopic() {
		return "dlq." + this.group;
	}

	Map<String, String> names() {
		return Map.of("topic", this.topic, "group", this.group, "namespace", this.namespace);
	}

}
