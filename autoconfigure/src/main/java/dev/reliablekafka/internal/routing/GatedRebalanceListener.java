package dev.reliablekafka.internal.routing;

import java.util.Collection;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Wraps the container's rebalance listener, so that the commits it makes on revocation wait for every forward,
 * and the commit gate drops what it knows of partitions given up.
 */
final class GatedRebalanceListener implements ConsumerRebalanceListener {

	private final ConsumerRebalanceListener delegate;

	private final ForwardGate gate;

	GatedRebalanceListener(ConsumerRebalanceListener delegate, ForwardGate gate) {
		this.delegate = delegate;
		this.gate = gate;
	}

	@Override
	public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
		this.gate.revoking(true);
		try {
			this.delegate.onPartitionsRevoked(partitions);
			this.gate.givingUp(partitions);
		}
		finally {
			this.gate.revoking(false);
			this.gate.forget(partitions);
		}
	}

	@Override
	public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
		this.gate.forget(partitions);
		this.delegate.onPartitionsAssigned(partitions);
	}

	@Override
	public void onPartitionsLost(Collection<TopicPartition> partitions) {
		try {
			this.delegate.onPartitionsLost(partitions);
			this.gate.lost(partitions);
		}
		finally {
			this.gate.forget(partitions);
		}
	}

}
