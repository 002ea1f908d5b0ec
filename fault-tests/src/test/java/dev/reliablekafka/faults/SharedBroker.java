package dev.reliablekafka.faults;

import java.nio.file.Path;

/**
 * One broker process for every test class of the short run, stopped when the test JVM ends.
 */
final class SharedBroker {

	private static BrokerProcess broker;

	private SharedBroker() {
	}

	static synchronized BrokerProcess get() {
		if (broker == null) {
			broker = new BrokerProcess(dir().resolve("broker"));
			broker.start();
			Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
		}
		return broker;
	}

	static Path dir() {
		return Path.of(System.getProperty("faults.dir", "target/faults"));
	}

}
