package dev.reliablekafka.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Waits until every produced record was processed or dead-lettered and the event log stayed quiet for a moment;
 * or, when records are missing, until nothing happened for a while (stuck or lost); in any case for a bounded time.
 */
final class Drain implements AutoCloseable {

	private static final Duration SETTLE = Duration.ofSeconds(3);

	private final EventLogReader log;

	private final TopicReader deadLetters;

	private final String deadLetterTopic;

	private final Set<String> accounted = new HashSet<>();

	private long lastActivity;

	Drain(String bootstrapServers, Path eventLog, String deadLetterTopic) {
		this.log = new EventLogReader(eventLog);
		this.deadLetters = new TopicReader(bootstrapServers);
		this.deadLetterTopic = deadLetterTopic;
	}

	/**
	 * Wait for the drain.
	 * @param produced the keys to account for
	 * @param quietLimit how long nothing may happen while records are missing
	 * @param timeout the longest wait
	 * @return whether every produced key was accounted for
	 */
	boolean await(Set<String> produced, Duration quietLimit, Duration timeout) {
		long start = System.currentTimeMillis();
		long lastChange = start;
		while (true) {
			int before = this.log.events().size();
			boolean changed = this.log.poll() > 0;
			for (Event event : this.log.events().subList(before, this.log.events().size())) {
				this.lastActivity = Math.max(this.lastActivity, event.time());
				if (event.processed()) {
					this.accounted.add(event.key());
				}
			}
			for (TopicReader.HandOff deadLetter : this.deadLetters.read(List.of(this.deadLetterTopic))) {
				this.accounted.add(deadLetter.key());
				this.lastActivity = System.currentTimeMillis();
				changed = true;
			}
			long now = System.currentTimeMillis();
			if (changed) {
				lastChange = now;
			}
			boolean complete = this.accounted.containsAll(produced);
			if ((complete && now - lastChange >= SETTLE.toMillis()) || now - lastChange >= quietLimit.toMillis()
					|| now - start >= timeout.toMillis()) {
				return complete;
			}
			BrokerProcess.sleep(500);
		}
	}

	List<Event> events() {
		return this.log.events();
	}

	long lastActivity() {
		return this.lastActivity;
	}

	@Override
	public void close() {
		this.deadLetters.close();
	}

}
