package dev.reliablekafka.internal.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.Producer;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

/**
 * Fences, while the application starts, the transactions a crashed previous run of this instance left open, as
 * exactly-once Kafka applications do. A transaction left open by a dead process holds every {@code read_committed}
 * reader of its partitions (delay tiers, retry and dead-letter topics) until the producer's
 * {@code transaction.timeout.ms}; initialising a producer with the same transactional id aborts it at once.
 * <p>
 * This works when the ids are the same on every run: the transaction id prefix is stable per instance (set by the
 * user), and the suffixes are the lowest free ones ({@code 0} to the number of consumer threads served, less
 * one), so the ids a restarted instance fences are those its predecessor used. The producers initialised here go
 * to their factory's cache and serve the first hand-offs. Start-up waits a few seconds at most for the fencing, so
 * that an unreachable broker does not hold it for the producers' {@code max.block.ms}. Without transactions this
 * does nothing.
 */
public class TransactionalIdFencing implements SmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(TransactionalIdFencing.class);

	/** A UUID, or 32 hex digits as {@code ${random.value}} gives: new on every start. */
	private static final Pattern RANDOM = Pattern.compile(
			"\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}|\\p{XDigit}{32}");

	/**
	 * How long start-up waits for the fencing, which normally takes milliseconds: with the broker unreachable,
	 * each producer would wait its {@code max.block.ms}, so the fencing goes on in the background instead.
	 */
	private static final Duration START_UP_WAIT = Duration.ofSeconds(5);

	private final List<Fenced> factories = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	private boolean started;

	/**
	 * Give a transactional factory's producers the lowest free id suffixes, and fence its ids at start-up.
	 * @param factory a producer factory; left as it is when it is not transactional
	 * @param producers how many of its producers are used at once, asked at start-up: one per consumer thread
	 * it serves
	 */
	public void manage(DefaultKafkaProducerFactory<?, ?> factory, IntSupplier producers) {
		if (!factory.transactionCapable()) {
			return;
		}
		LowestFreeSuffix suffixes = new LowestFreeSuffix();
		factory.setTransactionIdSuffixStrategy(suffixes);
		this.factories.add(new Fenced(factory, suffixes, producers));
	}

	@Override
	public synchronized void start() {
		this.running = true;
		if (this.started || this.factories.isEmpty()) {
			return; // a stop and start of the context: no predecessor to fence
		}
		warnIfRandom();
		Thread thread = new Thread(this::fenceAll, "reliable-kafka-fencing");
		thread.setDaemon(true);
		this.started = true;
		thread.start();
		try {
			thread.join(START_UP_WAIT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (thread.isAlive()) {
			logger.info(() -> "Fencing the transactional ids of a previous run takes longer than " + START_UP_WAIT
					+ "; it goes on while the application starts");
		}
	}

	private void warnIfRandom() {
		this.factories.stream()
			.map(managed -> String.valueOf(managed.factory().getTransactionIdPrefix()))
			.filter(prefix -> RANDOM.matcher(prefix).find())
			.findFirst()
			.ifPresent(prefix -> logger.warn(() -> "The transaction id prefix '" + prefix + "' looks random per "
					+ "start: a restarted instance cannot fence the transactions its predecessor left open, and "
					+ "after a crash read_committed readers wait up to the producer's transaction.timeout.ms. Give "
					+ "spring.kafka.producer.transaction-id-prefix a value that is stable per instance, such as "
					+ "${HOSTNAME}- in a StatefulSet."));
	}

	private void fenceAll() {
		List<String> fenced = new ArrayList<>();
		for (Fenced managed : this.factories) {
			if (!this.running) {
				return;
			}
			int count = managed.producers().getAsInt();
			managed.suffixes().fenced(count);
			if (count > 0 && fence(managed.factory(), count)) {
				if (!this.running) {
					// Stopped meanwhile: its producers may have been closed already; close these too.
					managed.factory().reset();
					return;
				}
				fenced.add(ids(managed.factory(), count));
			}
		}
		if (!fenced.isEmpty()) {
			logger.info(() -> "Fenced the transactional ids " + String.join(", ", fenced)
					+ ": transactions a previous run of this instance left open are aborted");
		}
	}

	/**
	 * Initialise the factory's producers, all held at once so that each gets its own id, then return them to its
	 * cache.
	 */
	private static boolean fence(DefaultKafkaProducerFactory<?, ?> factory, int count) {
		List<Producer<?, ?>> producers = new ArrayList<>(count);
		try {
			for (int i = 0; i < count; i++) {
				producers.add(factory.createProducer());
			}
			return true;
		}
		catch (RuntimeException ex) {
			// Not fatal: each id is fenced anyway when its producer is first created.
			logger.warn(ex, () -> "Could not fence the transactional ids " + ids(factory, count) + " at start-up; "
					+ "transactions a crashed run of this instance left open may hold read_committed readers "
					+ "until their transaction.timeout.ms");
			return false;
		}
		finally {
			producers.forEach(TransactionalIdFencing::close);
		}
	}

	private static String ids(DefaultKafkaProducerFactory<?, ?> factory, int count) {
		return factory.getTransactionIdPrefix() + ((count == 1) ? "0" : "0.." + (count - 1));
	}

	private static void close(Producer<?, ?> producer) {
		try {
			producer.close(Duration.ZERO);
		}
		catch (RuntimeException ex) {
			logger.debug(ex, "Could not return a fenced producer to its factory");
		}
	}

	@Override
	public void stop() {
		// A fencing still under way ends within the producers' max.block.ms; interrupting it would make the
		// Kafka client log errors.
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Before the listener containers and the delay tier scheduler, which start in the default container phase.
		return AbstractMessageListenerContainer.DEFAULT_PHASE - 50;
	}

	private record Fenced(DefaultKafkaProducerFactory<?, ?> factory, LowestFreeSuffix suffixes,
			IntSupplier producers) {
	}

}
