package dev.reliablekafka.internal.container;

import java.lang.reflect.Field;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * The fetch wait ({@code fetch.max.wait.ms}) of one {@link KafkaConsumer}, which the consumer reads each time it
 * builds a fetch request but offers no way to change. It is reached in the classic consumer's fetcher; where
 * that is not possible (another Kafka client version, the {@code consumer} group protocol, a module path that
 * does not open the client), the wait stays as configured and only back-off precision is lost.
 */
final class FetchWait {

	private static final LogAccessor logger = new LogAccessor(FetchWait.class);

	private static volatile boolean warned;

	private final @Nullable Object fetcher;

	private final @Nullable Object config;

	private final @Nullable Field maxWait;

	private final int configured;

	private int current;

	private FetchWait(@Nullable Object fetcher, @Nullable Object config, @Nullable Field maxWait, int configured) {
		this.fetcher = fetcher;
		this.config = config;
		this.maxWait = maxWait;
		this.configured = configured;
		this.current = configured;
	}

	/**
	 * Find the fetch wait of a consumer.
	 * @param consumer the consumer as Kafka created it
	 * @return its fetch wait, one that cannot be changed if it cannot be reached
	 */
	static FetchWait of(Consumer<?, ?> consumer) {
		try {
			Object delegate = read(KafkaConsumer.class, consumer, "delegate");
			Object fetcher = read(delegate.getClass(), delegate, "fetcher");
			Object config = read(Class.forName("org.apache.kafka.clients.consumer.internals.AbstractFetch"), fetcher,
					"fetchConfig");
			Field maxWait = config.getClass().getDeclaredField("maxWaitMs");
			maxWait.setAccessible(true);
			return new FetchWait(fetcher, config, maxWait, maxWait.getInt(config));
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			if (!warned) {
				warned = true;
				logger.info(() -> "Cannot shorten the fetch wait of " + consumer.getClass().getName() + " (" + ex
						+ "): a partition that ends its back-off may wait up to fetch.max.wait.ms for the fetch "
						+ "in flight before it is fetched again");
			}
			return new FetchWait(null, null, null, -1);
		}
	}

	private static Object read(Class<?> type, Object target, String name) throws ReflectiveOperationException {
		Field field = type.getDeclaredField(name);
		field.setAccessible(true);
		Object value = field.get(target);
		if (value == null) {
			throw new NoSuchFieldException(type.getName() + "." + name + " is null");
		}
		return value;
	}

	/**
	 * Whether this wait can be changed.
	 * @return {@code true} if it can
	 */
	boolean adjustable() {
		return this.maxWait != null;
	}

	/**
	 * Return the wait the consumer was configured with.
	 * @return milliseconds, -1 if unknown
	 */
	int configured() {
		return this.configured;
	}

	/**
	 * Return the wait of the fetches the consumer sends from now on.
	 * @return milliseconds, -1 if unknown
	 */
	int current() {
		return this.current;
	}

	/**
	 * Set the wait of the fetches the consumer sends from now on, never above the configured one.
	 * @param millis the wait
	 */
	void set(int millis) {
		int wait = Math.min(millis, this.configured);
		if (this.maxWait == null || this.fetcher == null || wait == this.current) {
			return;
		}
		// The fetcher builds its requests while holding its own lock: taking it too publishes the new value.
		synchronized (this.fetcher) {
			try {
				this.maxWait.setInt(this.config, wait);
				this.current = wait;
			}
			catch (IllegalAccessException | RuntimeException ex) {
				logger.debug(ex, "Could not change the fetch wait");
			}
		}
	}

}
