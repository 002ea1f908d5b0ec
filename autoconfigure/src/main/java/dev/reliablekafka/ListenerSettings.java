package dev.reliablekafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.reliablekafka.annotation.ReliableMode;

/**
 * Settings of reliable listeners as they are bound from {@code reliable.kafka.defaults} or
 * {@code reliable.kafka.listeners.<id>}. Every value left unset falls through to the next source:
 * {@code listeners.<id>}, then what the {@code @ReliableListener} annotation states explicitly, then
 * {@code defaults}, then the built-in default. Lists of not-retryable exceptions add up from every source.
 */
public class ListenerSettings {

	/**
	 * What happens when processing fails: BLOCKING (retry in place, order kept) or RETRY_TOPIC (retry later
	 * through the group's retry topic, order may change). Default BLOCKING. DEFAULT is not accepted here.
	 */
	private @Nullable ReliableMode mode;

	/**
	 * Exception types that no retry can fix; a record failing with one of them goes to the dead-letter topic at
	 * once. Added to the built-in list (deserialization and conversion failures).
	 */
	private List<Class<? extends Throwable>> notRetryableExceptions = new ArrayList<>();

	/**
	 * In-place retry of BLOCKING mode.
	 */
	private final Blocking blocking = new Blocking();

	/**
	 * Delayed redelivery through the group's retry topic, in RETRY_TOPIC mode.
	 */
	private final RetryTopic retryTopic = new RetryTopic();

	/**
	 * The group's dead-letter topic.
	 */
	private final DeadLetter deadLetter = new DeadLetter();

	/**
	 * Outage breaker: pauses the listener while most of its records fail, instead of forwarding each of them.
	 */
	private final Breaker breaker = new Breaker();

	public @Nullable ReliableMode getMode() {
		return this.mode;
	}

	public void setMode(@Nullable ReliableMode mode) {
		this.mode = mode;
	}

	public List<Class<? extends Throwable>> getNotRetryableExceptions() {
		return this.notRetryableExceptions;
	}

	public void setNotRetryableExceptions(List<Class<? extends Throwable>> notRetryableExceptions) {
		this.notRetryableExceptions = notRetryableExceptions;
	}

	public Blocking getBlocking() {
		return this.blocking;
	}

	public RetryTopic getRetryTopic() {
		return this.retryTopic;
	}

	public DeadLetter getDeadLetter() {
		return this.deadLetter;
	}

	public Breaker getBreaker() {
		return this.breaker;
	}

	/**
	 * RocketMQ-style delay levels of RETRY_TOPIC mode.
	 */
	public static class RetryTopic {

		/**
		 * Delay levels, shortest first. Default 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h.
		 */
		private @Nullable List<Duration> delayLevels;

		/**
		 * Level, counted from 1, of the first retry; retry n uses level first-delay-level + n - 1, and the last
		 * level once the list is used up. Default 3 (10s with the default levels).
		 */
		private @Nullable Integer firstDelayLevel;

		/**
		 * Retries after the first delivery before the record goes to the dead-letter topic. Default 16.
		 */
		private @Nullable Integer maxReconsumeTimes;

		public @Nullable List<Duration> getDelayLevels() {
			return this.delayLevels;
		}

		public void setDelayLevels(@Nullable List<Duration> delayLevels) {
			this.delayLevels = delayLevels;
		}

		public @Nullable Integer getFirstDelayLevel() {
			return this.firstDelayLevel;
		}

		public void setFirstDelayLevel(@Nullable Integer firstDelayLevel) {
			this.firstDelayLevel = firstDelayLevel;
		}

		public @Nullable Integer getMaxReconsumeTimes() {
			return this.maxReconsumeTimes;
		}

		public void setMaxReconsumeTimes(@Nullable Integer maxReconsumeTimes) {
			this.maxReconsumeTimes = maxReconsumeTimes;
		}

	}

	/**
	 * Exponential back-off between in-place retries.
	 */
	public static class Blocking {

		/**
		 * Wait before the first retry. Default 1s.
		 */
		private @Nullable Duration initialInterval;

		/**
		 * Factor applied to the wait after each retry; at least 1. Default 2.
		 */
		private @Nullable Double multiplier;

		/**
		 * Longest wait between two retries. Default 5m.
		 */
		private @Nullable Duration maxInterval;

		/**
		 * Random spread added to or taken from each wait, so that instances do not retry in lockstep. Default 0.
		 */
		private @Nullable Duration jitter;

		/**
		 * Deliveries of one record, the first included, before it goes to the dead-letter topic; -1 retries until
		 * it succeeds. Default -1.
		 */
		private @Nullable Integer maxAttempts;

		public @Nullable Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(@Nullable Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
		}

		public @Nullable Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(@Nullable Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public @Nullable Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Duration jitter) {
			this.jitter = jitter;
		}

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

	}

	/**
	 * Where records that cannot be processed end.
	 */
	public static class DeadLetter {

		/**
		 * Whether records that cannot be processed go to the group's dead-letter topic. When disabled they are
		 * retried in place forever instead, so that nothing is lost; finite max-attempts then cannot be used.
		 * Default true.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Outage breaker: when most of the latest records fail with retryable exceptions, the listener's partitions
	 * are paused and the failed record stays in place, instead of every record going to the retry path and the
	 * dead-letter topic; after a wait one record is tried again.
	 */
	public static class Breaker {

		/**
		 * Whether the listener has an outage breaker. Default false.
		 */
		private @Nullable Boolean enabled;

		/**
		 * How many of the latest outcomes (records processed or failed with a retryable exception) the breaker
		 * looks at. Default 50.
		 */
		private @Nullable Integer window;

		/**
		 * Share of failures in the window, above 0 and at most 1, at or above which the breaker opens. Default 0.8.
		 */
		private @Nullable Double failureRate;

		/**
		 * Failures the window must hold before the breaker opens; at most the window. Default 10.
		 */
		private @Nullable Integer minFailures;

		/**
		 * How long the breaker stays open before one record is tried again. Default 5s.
		 */
		private @Nullable Duration wait;

		/**
		 * Factor applied to the wait each time the record tried again fails; at least 1. Default 2.
		 */
		private @Nullable Double waitMultiplier;

		/**
		 * Longest wait between two tries. Default 1m.
		 */
		private @Nullable Duration maxWait;

		/**
		 * Exception types that signal an outage (e.g. java.sql.SQLTransientConnectionException,
		 * java.net.ConnectException): each failure with one of them, or caused by one, counts as two failures.
		 */
		private @Nullable List<Class<? extends Throwable>> outageExceptions;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Integer getWindow() {
			return this.window;
		}

		public void setWindow(@Nullable Integer window) {
			this.window = window;
		}

		public @Nullable Double getFailureRate() {
			return this.failureRate;
		}

		public void setFailureRate(@Nullable Double failureRate) {
			this.failureRate = failureRate;
		}

		public @Nullable Integer getMinFailures() {
			return this.minFailures;
		}

		public void setMinFailures(@Nullable Integer minFailures) {
			this.minFailures = minFailures;
		}

		public @Nullable Duration getWait() {
			return this.wait;
		}

		public void setWait(@Nullable Duration wait) {
			this.wait = wait;
		}

		public @Nullable Double getWaitMultiplier() {
			return this.waitMultiplier;
		}

		public void setWaitMultiplier(@Nullable Double waitMultiplier) {
			this.waitMultiplier = waitMultiplier;
		}

		public @Nullable Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(@Nullable Duration maxWait) {
			this.maxWait = maxWait;
		}

		public @Nullable List<Class<? extends Throwable>> getOutageExceptions() {
			return this.outageExceptions;
		}

		public void setOutageExceptions(@Nullable List<Class<? extends Throwable>> outageExceptions) {
			this.outageExceptions = outageExceptions;
		}

	}

}
