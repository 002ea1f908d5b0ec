package dev.reliablekafka.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts JVMs on this JVM's classpath, output to a file, and makes sure none outlives the run.
 */
final class JavaProcesses {

	private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
	}

	private JavaProcesses() {
	}

	/**
	 * Start a JVM.
	 * @param jvmOptions options before the main class
	 * @param mainClass the main class
	 * @param args its arguments
	 * @param output where its standard output and error go (appended)
	 * @return the process
	 */
	static Process start(List<String> jvmOptions, String mainClass, List<String> args, Path output) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classpath());
		command.add(mainClass);
		command.addAll(args);
		try {
			Files.createDirectories(output.getParent());
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
				.start();
			STARTED.add(process);
			process.onExit().thenRun(() -> STARTED.remove(process));
			return process;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Run a JVM to its end.
	 * @return its exit code
	 */
	static int run(List<String> jvmOptions, String mainClass, List<String> args, Path output, Duration timeout) {
		Process process = start(jvmOptions, mainClass, args, output);
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				kill(process);
				throw new IllegalStateException(mainClass + " did not end within " + timeout + ", see " + output);
			}
			return process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill(process);
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Kill a process the way {@code kill -9} does, and wait until it is gone.
	 * @param process the process
	 */
	static void kill(Process process) {
		process.destroyForcibly();
		try {
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Process " + process.pid() + " survived kill -9");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Stop a process gracefully (SIGTERM), killing it if it takes longer than the timeout.
	 * @param process the process
	 * @param timeout how long it may take
	 */
	static void stop(Process process, Duration timeout) {
		process.destroy();
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				kill(process);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill(process);
		}
	}

	/**
	 * Wait until a file holds a text, or the process ended, or the timeout passed.
	 * @return whether the text appeared
	 */
	static boolean awaitText(Path file, String text, Process process, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline && process.isAlive()) {
			try {
				if (Files.exists(file) && Files.readString(file).contains(text)) {
					return true;
				}
				Thread.sleep(200);
			}
			catch (IOException ex) {
				// Being written: look again.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	private static String classpath() {
		// Surefire may run tests through a manifest-only jar; it names the real test classpath here.
		String surefire = System.getProperty("surefire.test.class.path");
		return (surefire != null && !surefire.isBlank()) ? surefire : System.getProperty("java.class.path");
	}

}
