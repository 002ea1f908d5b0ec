package dev.reliablekafka.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts what a run lost, duplicated and reordered, from the application's event log and the hand-off topics.
 */
final class Checker {

	private Checker() {
	}

	static Result check(FaultRun run, Set<String> produced, List<Event> events, List<TopicReader.HandOff> handOffs,
			long drainMillis, String parkedTopic) {
		Set<String> processed = new HashSet<>();
		int processings = 0;
		for (Event event : events) {
			if (event.processed()) {
				processings++;
				processed.add(event.key());
			}
		}
		Set<String> deadLettered = new HashSet<>();
		Map<String, Integer> handOffCounts = new HashMap<>();
		Set<String> parkedKeys = new HashSet<>();
		int parked = 0;
		for (TopicReader.HandOff handOff : handOffs) {
			if (handOff.topic().equals(parkedTopic)) {
				parked++;
				parkedKeys.add(handOff.key());
				continue;
			}
			if (handOff.topic().equals(run.deadLetterTopic())) {
				deadLettered.add(handOff.key());
			}
			handOffCounts.merge(handOff.topic() + "/" + handOff.key() + "/" + handOff.reconsumeCount(), 1,
					Integer::sum);
		}
		Set<String> lost = new TreeSet<>(produced);
		lost.removeAll(processed);
		lost.removeAll(deadLettered);
		int duplicateHandOffs = handOffCounts.values().stream().mapToInt(count -> count - 1).sum();
		int early = (int) events.stream().filter(Event::early).count();
		int orderViolations = run.mode().blocking() ? orderViolations(run.topic(), events, deadLettered) : -1;
		List<String> problems = new ArrayList<>();
		if (!lost.isEmpty()) {
			long lostParked = lost.stream().filter(parkedKeys::contains).count();
			problems.add(lost.size() + " lost, e.g. " + lost.stream().limit(5).toList()
					+ ((lostParked > 0) ? " (" + lostParked + " of them parked in " + parkedTopic + ")" : ""));
		}
		else if (parked > 0) {
			problems.add(parked + " records parked in " + parkedTopic);
		}
		if (orderViolations > 0) {
			problems.add(orderViolations + " order violations");
		}
		if (run.mode().transactional() && duplicateHandOffs > 0) {
			problems.add(duplicateHandOffs + " duplicate hand-offs under transactions");
		}
		if (early > 0) {
			problems.add(early + " early redeliveries");
		}
		return new Result(run.scenario(), run.mode(), run.faultLabel(), produced.size(), lost.size(),
				processings - processed.size(), orderViolations, deadLettered.size(), duplicateHandOffs, early, parked,
				drainMillis, problems);
	}

	/**
	 * Count the first processings of a source record while an earlier record of its partition was neither
	 * processed nor dead-lettered yet. Replays after a rewind (processings after the first) do not count.
	 */
	static int orderViolations(String topic, List<Event> events, Set<String> deadLettered) {
		Map<Integer, Set<Long>> done = new HashMap<>();
		for (Event event : events) {
			if (event.topic().equals(topic) && deadLettered.contains(event.key())) {
				done.computeIfAbsent(event.partition(), p -> new HashSet<>()).add(event.offset());
			}
		}
		Map<Integer, Long> lowestNotDone = new HashMap<>();
		int violations = 0;
		for (Event event : events) {
			if (!event.processed() || !event.topic().equals(topic)) {
				continue;
			}
			Set<Long> partitionDone = done.computeIfAbsent(event.partition(), p -> new HashSet<>());
			long lowest = advance(partitionDone, lowestNotDone.getOrDefault(event.partition(), 0L));
			if (!partitionDone.add(event.offset())) {
				continue;
			}
			if (event.offset() > lowest) {
				violations++;
			}
			lowestNotDone.put(event.partition(), advance(partitionDone, lowest));
		}
		return violations;
	}

	private static long advance(Set<Long> done, long from) {
		long lowest = from;
		while (done.contains(lowest)) {
			lowest++;
		}
		return lowest;
	}

}
