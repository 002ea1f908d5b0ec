package dev.reliablekafka.internal.routing;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.ProcessingLog;
import dev.reliablekafka.test.SimulatedDeadlockException;

/**
 * An application instance run in its own JVM by {@link CrashedInstanceFencingTests}, so that the test can kill it
 * like {@code kill -9}: a transactional RETRY_TOPIC listener whose records all fail, and whose first forward to a
 * delay tier is acknowledged but never committed. Its producer's network thread is blocked in the acknowledgement
 * callback, so the transaction's commit can never be sent: the instance dies with that transaction open.
 */
public final class CrashingInstance {

	/** Printed once the open transaction's record is on the broker. */
	static final String BLOCKED = "TRANSACTION-LEFT-OPEN";

	private CrashingInstance() {
	}

	/**
	 * Run the instance until it is killed.
	 * @param args {@code key=value} properties of the application
	 */
	public static void main(String[] args) {
		exitWhenParentDies();
		new SpringApplicationBuilder(Instance.class, Orders.class).web(WebApplicationType.NONE)
			.properties(args)
			.properties("test.fail=true", "spring.main.banner-mode=off",
					"spring.kafka.producer.properties.interceptor.classes=" + BlockFirstTierAck.class.getName())
			.run();
	}

	// No orphan survives the test JVM: its end closes our standard input.
	private static void exitWhenParentDies() {
		Thread watchdog = new Thread(() -> {
			try {
				while (System.in.read() >= 0) {
					// nothing is sent
				}
			}
			catch (IOException ex) {
				// the parent is gone
			}
			Runtime.getRuntime().halt(1);
		}, "parent-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Instance {

	}

	/**
	 * The listener of both instances: with {@code test.fail} every delivery fails, otherwise every delivery
	 * succeeds and is logged.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Orders {

		private final boolean fail;

		private final @Nullable ProcessingLog log;

		Orders(@Value("${test.fail:false}") boolean fail, ObjectProvider<ProcessingLog> log) {
			this.fail = fail;
			this.log = log.getIfAvailable();
		}

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, delayLevels = "1s", firstDelayLevel = "1", maxReconsumeTimes = "5",
				concurrency = "2")
		void onOrder(ConsumerRecord<String, String> record) {
			if (this.fail) {
				throw new SimulatedDeadlockException("downstream unavailable");
			}
			if (this.log != null) {
				this.log.add("orders", record, true);
			}
		}

	}

	/**
	 * Blocks, for good, the network thread of the producer that first has a record acknowledged on a delay tier.
	 */
	public static final class BlockFirstTierAck implements ProducerInterceptor<byte[], byte[]> {

		private static final AtomicBoolean blocked = new AtomicBoolean();

		@Override
		public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
			return record;
		}

		@Override
		public void onAcknowledgement(@Nullable RecordMetadata metadata, @Nullable Exception exception) {
			if (metadata == null || exception != null || !metadata.topic().contains(".delay.")
					|| !blocked.compareAndSet(false, true)) {
				return;
			}
			System.out.println(BLOCKED + " " + metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset());
			System.out.flush();
			while (true) {
				try {
					Thread.sleep(Long.MAX_VALUE);
				}
				catch (InterruptedException ex) {
					// stay blocked: only the kill ends this instance
				}
			}
		}

		@Override
		public void close() {
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

	}

}
