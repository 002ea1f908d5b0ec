package dev.reliablekafka.internal.retrytopic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.internals.Topic;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.KafkaUtils;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.internal.routing.RecordForwarder.Forward;
import dev.reliablekafka.internal.support.DurationText;
import dev.reliablekafka.internal.support.FailureText;
import dev.reliablekafka.internal.support.HeaderValues;
import dev.reliablekafka.internal.topics.TopicNaming;

/**
 * Decides where a due delay tier record goes. Normally to the retry topic of the group named in its
 * {@link ReliableHeaders#GROUP} header. A record that can never be handed over there (no or an illegal group,
 * a record too large for it) goes to the group's dead-letter topic instead, and when that is impossible too, to
 * the namespace's parking topic, with the reason in {@link ReliableHeaders#PARKED_REASON}: it must not hold up
 * the records behind it, and it must not be dropped.
 * <p>
 * A topic that is missing or refuses the scheduler's writes may come back (it is being recreated, its ACLs are
 * being fixed): records bound for it wait in their tier partition for up to the patience, from the moment the
 * topic was first found so, before they move on; a hand-off to the topic ends the wait. Failures that may pass
 * (timeouts, an unreachable broker) are not decided here: the record is tried again. Used on the scheduler's
 * consumer thread only.
 */
class HandOffRoutes {

	private static final LogAccessor logger = new LogAccessor(HandOffRoutes.class);

	private static final String SCHEDULER = "delay-tier-scheduler";

	/** Records waiting for a topic try it about every second; a pause this long means nobody found it unavailable. */
	private static final long MIN_OUTAGE_GAP_MILLIS = 10_000;

	private final TopicNaming naming;

	private final TopicChecks topics;

	private final String parkingTopic;

	private final Duration patience;

	/** Per partition, the record whose last hand-off failed for good, and why: routed elsewhere when it is back. */
	private final Map<TopicPartition, Verdict> verdicts = new HashMap<>();

	/** Per topic that may come back, since when it has been found missing or refusing writes, and when last. */
	private final Map<String, Outage> outages = new HashMap<>();

	/**
	 * Create the routes.
	 * @param naming names each group's retry and dead-letter topics
	 * @param topics tells which topics the scheduler can write to
	 * @param parkingTopic where records go that cannot go anywhere else
	 * @param patience how long records wait for a topic that is missing or refuses writes to come back
	 */
	HandOffRoutes(TopicNaming naming, TopicChecks topics, String parkingTopic, Duration patience) {
		this.naming = naming;
		this.topics = topics;
		this.parkingTopic = parkingTopic;
		this.patience = patience;
	}

	/**
	 * Return where a due record goes.
	 * @param record the delay tier record
	 * @param invalid why the record cannot be handed over whatever its group, or {@code null}
	 * @return the forward, or {@code null} when the record is to wait where it is for its topic to come back
	 */
	@Nullable Forward route(ConsumerRecord<?, ?> record, @Nullable String invalid) {
		Verdict verdict = this.verdicts.get(partition(record));
		if (verdict != null && verdict.offset() == record.offset()) {
			return elsewhere(record, verdict.reason(), verdict.deadLetterFailed());
		}
		if (invalid != null) {
			return elsewhere(record, invalid, false);
		}
		String group = HeaderValues.text(record.headers(), ReliableHeaders.GROUP);
		if (group == null || group.isBlank()) {
			return elsewhere(record, "it has no " + ReliableHeaders.GROUP + " header", false);
		}
		String retryTopic = this.naming.retryTopic(group);
		if (!legal(retryTopic)) {
			return elsewhere(record, TopicChecks.Status.INVALID.describe(retryTopic), false);
		}
		TopicChecks.Status status = this.topics.status(retryTopic);
		if (status.undeliverable()) {
			String reason = movingOn(retryTopic, status);
			return (reason != null) ? elsewhere(record, reason, false) : null;
		}
		return new Forward(record, retryTopic, record.headers());
	}

	/**
	 * Ask the broker, after a forward failed, whether its topic can be written to at all. When it cannot, the next
	 * {@link #route} of the record sends it elsewhere.
	 * @param forward the forward that failed
	 * @return what to do with the record
	 */
	Diagnosis diagnose(Forward forward) {
		if (forward.topic().equals(this.parkingTopic)) {
			this.topics.createIfMissing(this.parkingTopic);
		}
		TopicChecks.Status status = this.topics.recheck(forward.topic());
		if (status == TopicChecks.Status.UNREACHABLE) {
			return Diagnosis.LATER;
		}
		if (status.undeliverable() && !forward.topic().equals(this.parkingTopic)) {
			String reason = movingOn(forward.topic(), status);
			if (reason == null) {
				return Diagnosis.LATER;
			}
			condemn(forward, reason);
			return Diagnosis.ELSEWHERE;
		}
		return Diagnosis.TRY_ALONE;
	}

	/**
	 * Decide, by why a forward of the record failed, whether it can never reach that topic; if so, the next
	 * {@link #route} of the record sends it elsewhere.
	 * @param forward the forward that failed
	 * @param cause why it failed
	 * @return whether the record is to be routed elsewhere (and may be tried again at once); {@code false} when
	 * the failure may pass and the same forward must be tried again later
	 */
	boolean failedForGood(Forward forward, Throwable cause) {
		String reason = neverDeliverable(forward.topic(), cause);
		if (reason == null || forward.topic().equals(this.parkingTopic)) {
			return false; // may pass; and from the parking topic there is nowhere else to go
		}
		if (FailureText.causedBy(cause, TopicAuthorizationException.class)) {
			reason = movingOn(forward.topic(), TopicChecks.Status.UNAUTHORIZED);
			if (reason == null) {
				return false;
			}
		}
		condemn(forward, reason);
		return true;
	}

	/**
	 * Decide what becomes of records bound for a topic that cannot take them now: a topic that may come back
	 * (missing, not authorized) is waited for up to the patience.
	 * @param topic the topic
	 * @param status why it cannot take them
	 * @return why they move on, or {@code null} while they wait for it
	 */
	private @Nullable String movingOn(String topic, TopicChecks.Status status) {
		String reason = status.describe(topic);
		if (!status.mayComeBack()) {
			return reason;
		}
		long now = System.currentTimeMillis();
		Outage outage = this.outages.get(topic);
		// Not found unavailable for longer than the patience (and than a few tries take): it came back meanwhile.
		boolean fresh = outage == null
				|| now - outage.lastSeen() > Math.max(this.patience.toMillis(), MIN_OUTAGE_GAP_MILLIS);
		long since = fresh ? now : outage.since();
		this.outages.put(topic, new Outage(since, now));
		if (this.patience.isZero()) {
			return reason;
		}
		if (fresh) {
			logger.warn(() -> reason + ": delay tier records bound for it wait up to " + DurationText.of(this.patience)
					+ " for it to come back");
		}
		return (now - since < this.patience.toMillis()) ? null
				: reason + " (for longer than " + DurationText.of(this.patience) + ")";
	}

	/**
	 * Return whether a record's hand-off goes to a topic that records are waiting for: with transactions on, it is
	 * handed over alone, so that its topic's refusal does not undo the hand-offs of other partitions.
	 * @param record a delay tier record
	 * @return whether its retry topic, or the dead-letter topic it is routed to, is missing or refusing writes
	 */
	boolean awaitsTopic(ConsumerRecord<?, ?> record) {
		if (this.outages.isEmpty()) {
			return false;
		}
		String group = HeaderValues.text(record.headers(), ReliableHeaders.GROUP);
		if (group == null || group.isBlank()) {
			return false;
		}
		Verdict verdict = this.verdicts.get(partition(record));
		if (verdict != null && verdict.offset() == record.offset()) {
			String deadLetterTopic = deadLetterTopic(group);
			return !verdict.deadLetterFailed() && deadLetterTopic != null && this.outages.containsKey(deadLetterTopic);
		}
		try {
			return this.outages.containsKey(this.naming.retryTopic(group));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private void condemn(Forward forward, String reason) {
		ConsumerRecord<?, ?> record = forward.record();
		String group = HeaderValues.text(record.headers(), ReliableHeaders.GROUP);
		boolean deadLetterFailed = group == null || !forward.topic().equals(this.naming.retryTopic(group));
		String carried = HeaderValues.text(forward.headers(), ReliableHeaders.PARKED_REASON);
		String why = (deadLetterFailed && carried != null) ? carried + "; then " + reason : reason;
		logger.error(() -> "Delay tier record " + KafkaUtils.format(record) + " can never be handed to "
				+ forward.topic() + " (" + why + "): moving it to " + (deadLetterFailed ? this.parkingTopic
						: "its group's dead-letter topic"));
		this.verdicts.put(partition(record), new Verdict(record.offset(), why, deadLetterFailed));
	}

	/**
	 * Forget the verdicts on records of a partition before an offset, which are handed over, and that the topic
	 * they went to was unavailable.
	 * @param partition the partition
	 * @param next the next offset to hand over
	 * @param topic where the record before that offset went
	 */
	void handedOver(TopicPartition partition, long next, String topic) {
		this.verdicts.computeIfPresent(partition, (key, verdict) -> (verdict.offset() < next) ? null : verdict);
		if (this.outages.remove(topic) != null) {
			logger.info(() -> topic + " takes delay tier records again");
		}
	}

	private @Nullable Forward elsewhere(ConsumerRecord<?, ?> record, String reason, boolean deadLetterFailed) {
		String group = HeaderValues.text(record.headers(), ReliableHeaders.GROUP);
		String target = this.parkingTopic;
		String why = reason;
		if (!deadLetterFailed && group != null && !group.isBlank()) {
			String deadLetterTopic = deadLetterTopic(group);
			TopicChecks.Status status = (deadLetterTopic != null) ? this.topics.status(deadLetterTopic)
					: TopicChecks.Status.INVALID;
			if (deadLetterTopic != null && !status.undeliverable()) {
				target = deadLetterTopic;
			}
			else {
				String described = (deadLetterTopic != null) ? movingOn(deadLetterTopic, status)
						: status.describe("its name");
				if (described == null) {
					return null; // it waits for the dead-letter topic to come back
				}
				why = reason + "; dead-letter topic of " + group + ": " + described;
			}
		}
		if (target.equals(this.parkingTopic)) {
			this.topics.createIfMissing(this.parkingTopic);
		}
		Headers headers = new RecordHeaders(record.headers().toArray());
		headers.remove(ReliableHeaders.PARKED_REASON);
		headers.add(ReliableHeaders.PARKED_REASON, why.getBytes(StandardCharsets.UTF_8));
		String destination = target;
		String because = why;
		logger.warn(() -> "Delay tier record " + KafkaUtils.format(record) + " goes to " + destination + ": "
				+ because);
		return new Forward(record, target, headers);
	}

	private @Nullable String deadLetterTopic(String group) {
		try {
			return this.naming.deadLetterTopic(SCHEDULER, group);
		}
		catch (RuntimeException ex) {
			return null; // an illegal name, or no namespace for it
		}
	}

	/**
	 * Return why a forward can never succeed, judged by its failure, or {@code null} if it may.
	 */
	private @Nullable String neverDeliverable(String topic, @Nullable Throwable cause) {
		for (Throwable current = cause; current != null; current = current.getCause()) {
			if (current instanceof TopicAuthorizationException) {
				this.topics.refused(topic);
				return TopicChecks.Status.UNAUTHORIZED.describe(topic);
			}
			if (current instanceof RecordTooLargeException) {
				return "the record is too large for " + topic + " (" + current.getMessage() + ")";
			}
			if (current instanceof InvalidTopicException) {
				return TopicChecks.Status.INVALID.describe(topic);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

	private static boolean legal(String topic) {
		try {
			Topic.validate(topic);
			return true;
		}
		catch (InvalidTopicException ex) {
			return false;
		}
	}

	private static TopicPartition partition(ConsumerRecord<?, ?> record) {
		return new TopicPartition(record.topic(), record.partition());
	}

	/** What to do with a record whose forward failed. */
	enum Diagnosis {

		/** Route it elsewhere: its topic can never take it. */
		ELSEWHERE,

		/** Its topic looks writable: the forward's own failure tells whether it can ever succeed. */
		TRY_ALONE,

		/** The broker could not be asked: try again later. */
		LATER

	}

	private record Verdict(long offset, String reason, boolean deadLetterFailed) {
	}

	private record Outage(long since, long lastSeen) {
	}

}
