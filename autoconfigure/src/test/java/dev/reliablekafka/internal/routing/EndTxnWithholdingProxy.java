package dev.reliablekafka.internal.routing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * A TCP proxy on loopback in front of a single Kafka broker that can swallow the broker's answer to one
 * {@code EndTxn} request: the broker commits the transaction, the client never hears of it, as when a connection
 * drops at the wrong moment. Clients bootstrap through it; it rewrites the broker addresses of metadata and
 * coordinator answers to its own, so that every connection goes through it.
 */
final class EndTxnWithholdingProxy implements AutoCloseable {

	private final InetSocketAddress broker;

	private final ServerSocket server;

	private final AtomicBoolean withholdNextEndTxn = new AtomicBoolean();

	private final AtomicInteger withheld = new AtomicInteger();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	EndTxnWithholdingProxy(String brokerAddress) throws IOException {
		String[] hostAndPort = brokerAddress.split(",")[0].split(":");
		this.broker = new InetSocketAddress(hostAndPort[0], Integer.parseInt(hostAndPort[1]));
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "end-txn-proxy");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	String bootstrapServers() {
		return "127.0.0.1:" + this.server.getLocalPort();
	}

	/**
	 * Swallow the answer to the next {@code EndTxn} request.
	 */
	void withholdNextEndTxnAnswer() {
		this.withholdNextEndTxn.set(true);
	}

	int withheldAnswers() {
		return this.withheld.get();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket upstream = new Socket(this.broker.getHostString(), this.broker.getPort());
				this.sockets.add(client);
				this.sockets.add(upstream);
				Map<Integer, RequestHeader> pending = new ConcurrentHashMap<>();
				start(() -> pumpRequests(client, upstream, pending));
				start(() -> pumpResponses(upstream, client, pending));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void pumpRequests(Socket client, Socket upstream, Map<Integer, RequestHeader> pending) {
		try (DataInputStream in = new DataInputStream(client.getInputStream());
				DataOutputStream out = new DataOutputStream(upstream.getOutputStream())) {
			while (true) {
				byte[] frame = readFrame(in);
				RequestHeader header = RequestHeader.parse(ByteBuffer.wrap(frame));
				pending.put(header.correlationId(), header);
				writeFrame(out, frame);
			}
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(client, upstream);
		}
	}

	private void pumpResponses(Socket upstream, Socket client, Map<Integer, RequestHeader> pending) {
		try (DataInputStream in = new DataInputStream(upstream.getInputStream());
				DataOutputStream out = new DataOutputStream(client.getOutputStream())) {
			while (true) {
				byte[] frame = readFrame(in);
				RequestHeader request = pending.remove(ByteBuffer.wrap(frame).getInt());
				if (request == null) {
					writeFrame(out, frame);
				}
				else if (request.apiKey() == ApiKeys.END_TXN && this.withholdNextEndTxn.compareAndSet(true, false)) {
					this.withheld.incrementAndGet();
				}
				else {
					writeFrame(out, readdressed(frame, request));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(client, upstream);
		}
	}

	private byte[] readdressed(byte[] frame, RequestHeader request) {
		ApiKeys api = request.apiKey();
		if (api != ApiKeys.METADATA && api != ApiKeys.FIND_COORDINATOR && api != ApiKeys.DESCRIBE_CLUSTER) {
			return frame;
		}
		ApiMessage data = AbstractResponse.parseResponse(ByteBuffer.wrap(frame), request).data();
		int port = this.server.getLocalPort();
		if (data instanceof MetadataResponseData metadata) {
			metadata.brokers().forEach(broker -> broker.setHost("127.0.0.1").setPort(port));
		}
		else if (data instanceof FindCoordinatorResponseData coordinator) {
			if (request.apiVersion() < 4) {
				coordinator.setHost("127.0.0.1").setPort(port);
			}
			coordinator.coordinators().forEach(each -> each.setHost("127.0.0.1").setPort(port));
		}
		else if (data instanceof DescribeClusterResponseData cluster) {
			cluster.brokers().forEach(broker -> broker.setHost("127.0.0.1").setPort(port));
		}
		ByteBuffer buffer = RequestUtils.serialize(new ResponseHeaderData().setCorrelationId(request.correlationId()),
				api.responseHeaderVersion(request.apiVersion()), data, request.apiVersion());
		byte[] bytes = new byte[buffer.remaining()];
		buffer.get(bytes);
		return bytes;
	}

	private static byte[] readFrame(DataInputStream in) throws IOException {
		byte[] frame = new byte[in.readInt()];
		in.readFully(frame);
		return frame;
	}

	private static void writeFrame(DataOutputStream out, byte[] frame) throws IOException {
		synchronized (out) {
			out.writeInt(frame.length);
			out.write(frame);
			out.flush();
		}
	}

	private static void start(Runnable pump) {
		Thread thread = new Thread(pump, "end-txn-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(Socket... sockets) {
		for (Socket socket : sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// already closed
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.sockets.forEach(EndTxnWithholdingProxy::closeQuietly);
	}

}
