package dev.reliablekafka.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the event log as it grows, complete lines only.
 */
final class EventLogReader {

	private final Path file;

	private final List<Event> events = new ArrayList<>();

	private long position;

	private int malformed;

	EventLogReader(Path file) {
		this.file = file;
	}

	/**
	 * Read the lines written since the last call.
	 * @return how many events were new
	 */
	int poll() {
		if (!Files.exists(this.file)) {
			return 0;
		}
		try (RandomAccessFile in = new RandomAccessFile(this.file.toFile(), "r")) {
			long length = in.length();
			if (length <= this.position) {
				return 0;
			}
			byte[] bytes = new byte[(int) (length - this.position)];
			in.seek(this.position);
			in.readFully(bytes);
			int end = lastNewline(bytes);
			if (end < 0) {
				return 0;
			}
			this.position += end + 1;
			int added = 0;
			for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
				Event event = Event.parse(line);
				if (event != null) {
					this.events.add(event);
					added++;
				}
				else if (!line.isEmpty()) {
					this.malformed++;
				}
			}
			return added;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	List<Event> events() {
		return this.events;
	}

	int malformed() {
		return this.malformed;
	}

	private static int lastNewline(byte[] bytes) {
		for (int i = bytes.length - 1; i >= 0; i--) {
			if (bytes[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

}
