package dev.reliablekafka.faults.app;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The append-only log of deliveries, shared by every instance of a scenario: one line per delivery, written with
 * one unbuffered {@code write} so that a line the listener returned from survives a {@code kill -9}.
 */
@Component
class EventLog implements DisposableBean {

	private final FileOutputStream out;

	private final String instance;

	EventLog(@Value("${faults.log}") String path, @Value("${faults.instance:0}") String instance) throws IOException {
		this.out = new FileOutputStream(path, true);
		this.instance = instance;
	}

	/**
	 * Write one delivery.
	 * @param outcome {@code P} processed, {@code F} failed
	 */
	synchronized void write(char outcome, String key, String topic, int partition, long offset, int reconsumeCount,
			long dueTime) {
		String line = outcome + "\t" + key + "\t" + topic + "\t" + partition + "\t" + offset + "\t" + reconsumeCount
				+ "\t" + this.instance + "\t" + System.currentTimeMillis() + "\t" + dueTime + "\n";
		try {
			this.out.write(line.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void destroy() throws IOException {
		this.out.close();
	}

}
