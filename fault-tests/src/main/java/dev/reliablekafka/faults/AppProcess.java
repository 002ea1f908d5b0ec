package dev.reliablekafka.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.reliablekafka.faults.app.FaultApp;

/**
 * One run of the fault-test application in its own JVM.
 */
final class AppProcess {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final Process process;

	private final Path output;

	private final int instance;

	private AppProcess(Process process, Path output, int instance) {
		this.process = process;
		this.output = output;
		this.instance = instance;
	}

	/**
	 * Start the application and wait until its context is up.
	 * @param args its arguments
	 * @param output where its output goes
	 * @param instance the instance number (kept across restarts of that instance)
	 */
	static AppProcess start(List<String> args, Path output, int instance) {
		Process process = JavaProcesses.start(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
				"-XX:TieredStopAtLevel=1"), FaultApp.class.getName(), args, output);
		if (!JavaProcesses.awaitText(output, FaultApp.READY, process, START_TIMEOUT)) {
			JavaProcesses.kill(process);
			throw new IllegalStateException("The fault-test application did not start, see " + output);
		}
		return new AppProcess(process, output, instance);
	}

	/** {@code kill -9}. */
	void kill() {
		JavaProcesses.kill(this.process);
	}

	/** SIGTERM, then {@code kill -9} after 30 s. */
	void stop() {
		JavaProcesses.stop(this.process, Duration.ofSeconds(30));
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	long pid() {
		return this.process.pid();
	}

	int instance() {
		return this.instance;
	}

	Path output() {
		return this.output;
	}

}
