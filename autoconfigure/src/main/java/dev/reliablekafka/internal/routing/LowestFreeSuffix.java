package dev.reliablekafka.internal.routing;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.TransactionIdSuffixStrategy;

/**
 * Hands out the lowest transactional id suffix no live producer holds, so that an instance uses the same few ids
 * on every run ({@code 0} to the most producers it ever used at once, less one) and a restarted instance can fence
 * them all at start-up. spring-kafka's default strategy counts up for ever when a failed producer is replaced, and
 * its bounded one fails a hand-off once its pool is exhausted.
 */
final class LowestFreeSuffix implements TransactionIdSuffixStrategy {

	private static final LogAccessor logger = new LogAccessor(LowestFreeSuffix.class);

	private final Map<String, BitSet> held = new HashMap<>();

	private int fenced = Integer.MAX_VALUE;

	private boolean warned;

	/**
	 * Say how many suffixes were fenced at start-up, so that a producer beyond them is reported.
	 * @param count the suffixes {@code 0} to {@code count - 1}
	 */
	synchronized void fenced(int count) {
		this.fenced = count;
	}

	@Override
	public synchronized String acquireSuffix(@Nullable String txIdPrefix) {
		BitSet suffixes = this.held.computeIfAbsent(String.valueOf(txIdPrefix), prefix -> new BitSet());
		int suffix = suffixes.nextClearBit(0);
		suffixes.set(suffix);
		if (suffix >= this.fenced && !this.warned) {
			this.warned = true;
			logger.warn(() -> "Transactional id " + txIdPrefix + suffix + " is beyond the " + this.fenced
					+ " fenced at start-up: after a crash, a transaction left open under it holds read_committed "
					+ "readers until the producer's transaction.timeout.ms");
		}
		return String.valueOf(suffix);
	}

	@Override
	public synchronized void releaseSuffix(@Nullable String txIdPrefix, @Nullable String suffix) {
		BitSet suffixes = this.held.get(String.valueOf(txIdPrefix));
		if (suffixes != null && suffix != null) {
			suffixes.clear(Integer.parseInt(suffix));
		}
	}

}
