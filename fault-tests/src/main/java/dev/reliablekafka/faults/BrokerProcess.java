package dev.reliablekafka.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;
import org.springframework.util.FileSystemUtils;

/**
 * A single-node KRaft Kafka broker ({@code kafka.Kafka}) in its own OS process, on loopback ports picked once, with
 * a fixed data directory, so that it can be killed with {@code kill -9} and restarted with everything acknowledged
 * still there.
 */
final class BrokerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final Path dir;

	private final int port;

	private final Path config;

	private int starts;

	private @Nullable Process process;

	/**
	 * Prepare a broker: pick its ports, write its configuration and format its storage.
	 * @param dir its directory, emptied first
	 */
	BrokerProcess(Path dir) {
		this.dir = dir;
		try {
			FileSystemUtils.deleteRecursively(dir);
			Files.createDirectories(dir);
			this.port = freePort();
			int controllerPort = freePort();
			this.config = dir.resolve("server.properties");
			Files.writeString(this.config, String.join("\n", "process.roles=broker,controller", "node.id=1",
					"controller.quorum.voters=1@127.0.0.1:" + controllerPort,
					"listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + controllerPort,
					"advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port, "controller.listener.names=CONTROLLER",
					"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
					"inter.broker.listener.name=PLAINTEXT", "log.dirs=" + dir.resolve("data").toAbsolutePath(),
					"num.partitions=4", "default.replication.factor=1", "offsets.topic.replication.factor=1",
					"offsets.topic.num.partitions=4", "transaction.state.log.replication.factor=1",
					"transaction.state.log.min.isr=1", "transaction.state.log.num.partitions=4",
					"group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=false",
					"log.flush.interval.messages=9223372036854775807", "num.network.threads=2", "num.io.threads=4",
					"num.recovery.threads.per.data.dir=2", "delete.topic.enable=true",
					// Everything is allowed until a scenario denies something (F5 denies writes to some topics).
					"authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
					"allow.everyone.if.no.acl.found=true", ""));
			Files.writeString(dir.resolve("logback.xml"), """
					<configuration>
					  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
					    <file>%s</file>
					    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level %%logger{36} - %%msg%%n</pattern></encoder>
					  </appender>
					  <root level="INFO"><appender-ref ref="FILE"/></root>
					  <logger name="kafka.request.logger" level="WARN"/>
					  <logger name="org.apache.kafka.storage" level="WARN"/>
					</configuration>
					""".formatted(dir.resolve("broker.log").toAbsolutePath()));
			int formatted = JavaProcesses.run(jvmOptions(), "kafka.tools.StorageTool",
					List.of("format", "-t", Uuid.randomUuid().toString(), "-c", this.config.toString()),
					dir.resolve("format.out"), Duration.ofMinutes(2));
			if (formatted != 0) {
				throw new IllegalStateException("Formatting the broker's storage failed, see " + dir.resolve("format.out"));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Start the broker and wait until it answers.
	 */
	void start() {
		this.starts++;
		Path out = this.dir.resolve("broker-" + this.starts + ".out");
		this.process = JavaProcesses.start(jvmOptions(), "kafka.Kafka", List.of(this.config.toString()), out);
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		try (Admin admin = admin()) {
			while (System.nanoTime() < deadline && this.process.isAlive()) {
				try {
					admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
					admin.listTopics().names().get(5, TimeUnit.SECONDS);
					return;
				}
				catch (Exception ex) {
					sleep(500);
				}
			}
		}
		throw new IllegalStateException("Broker did not start within " + START_TIMEOUT + ", see " + out + " and "
				+ this.dir.resolve("broker.log"));
	}

	/**
	 * Kill the broker with {@code kill -9}.
	 */
	void kill() {
		if (this.process != null) {
			JavaProcesses.kill(this.process);
		}
	}

	/**
	 * Return the broker's pid, or -1 when it is not running.
	 */
	long pid() {
		return (this.process != null && this.process.isAlive()) ? this.process.pid() : -1;
	}

	String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	Admin admin() {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
				15_000));
	}

	@Override
	public void close() {
		if (this.process != null) {
			JavaProcesses.stop(this.process, Duration.ofSeconds(20));
		}
	}

	private List<String> jvmOptions() {
		return List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
				"-Dlogback.configurationFile=" + this.dir.resolve("logback.xml").toAbsolutePath());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
