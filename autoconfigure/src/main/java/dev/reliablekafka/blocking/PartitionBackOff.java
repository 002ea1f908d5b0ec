package dev.reliablekafka.blocking;

import java.time.Duration;

import org.apache.kafka.common.TopicPartition;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Makes one partition wait: pauses it in the listener container and resumes it when the wait is over. The
 * consumer keeps polling meanwhile, so its other partitions flow and a wait longer than
 * {@code max.poll.interval.ms} causes no rebalance; resuming wakes the consumer so the retry is not delayed by
 * the poll timeout.
 */
public class PartitionBackOff implements DisposableBean {

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final ListenerContainerPauseService pauseService;

	/**
	 * Create the back-off with its own scheduler thread, which only resumes partitions.
	 */
	public PartitionBackOff() {
		this.scheduler.setThreadNamePrefix("reliable-kafka-resume-");
		this.scheduler.setDaemon(true);
		this.scheduler.initialize();
		this.pauseService = new ListenerContainerPauseService(null, this.scheduler);
	}

	/**
	 * Pause a partition for a while.
	 * @param container the container consuming the partition
	 * @param partition the partition
	 * @param wait how long it waits; nothing is paused when zero
	 */
	public void pause(MessageListenerContainer container, TopicPartition partition, Duration wait) {
		if (!wait.isZero() && !wait.isNegative()) {
			this.pauseService.pausePartition(container, partition, wait);
		}
	}

	@Override
	public void destroy() {
		this.scheduler.destroy();
	}

}
