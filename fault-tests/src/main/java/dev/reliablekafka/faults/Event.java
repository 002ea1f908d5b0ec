package dev.reliablekafka.faults;

import org.jspecify.annotations.Nullable;

/**
 * One line of the application's event log: a delivery that was processed ({@code P}) or failed ({@code F}).
 */
record Event(char outcome, String key, String topic, int partition, long offset, int reconsumeCount,
		String instance, long time, long dueTime) {

	boolean processed() {
		return this.outcome == 'P';
	}

	/**
	 * Whether the record was delivered before its due time (redeliveries from the retry topic only).
	 */
	boolean early() {
		return this.dueTime > 0 && this.time < this.dueTime;
	}

	static @Nullable Event parse(String line) {
		String[] fields = line.split("\t");
		if (fields.length != 9) {
			return null;
		}
		try {
			return new Event(fields[0].charAt(0), fields[1], fields[2], Integer.parseInt(fields[3]),
					Long.parseLong(fields[4]), Integer.parseInt(fields[5]), fields[6], Long.parseLong(fields[7]),
					Long.parseLong(fields[8]));
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
