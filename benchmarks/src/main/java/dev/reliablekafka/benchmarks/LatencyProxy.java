package dev.reliablekafka.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback that delays every byte by a fixed time in each direction, so that every request to the
 * broker behind it gains twice that delay per round trip, as across the zones of a real cluster. It forwards the
 * bytes unchanged, in order and at full bandwidth: only their timing changes. Clients keep talking to the proxy
 * after the bootstrap because the broker advertises the proxy's address on the listener the proxy fronts (see
 * {@link BenchmarkBroker}).
 * <p>
 * Per connection two threads per direction: one reads chunks and stamps them with their due time, one writes them
 * once due. The queue between them is bounded, so a receiver that does not keep up stops the reading, as TCP would,
 * instead of filling the heap. Every thread is a daemon, every wait is bounded, and each ends when either socket of
 * its connection closes or the proxy is closed.
 */
final class LatencyProxy implements AutoCloseable {

	private static final int CHUNK = 64 * 1024;

	private static final int QUEUED_CHUNKS = 64;

	private final ServerSocket server;

	private final long delayNanos;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicLong accepted = new AtomicLong();

	private volatile int targetPort;

	private volatile boolean closed;

	/**
	 * Listen on a free loopback port at once; forward only once {@link #forwardTo(int)} says where.
	 * @param oneWay the delay of each direction, half the added round trip
	 */
	LatencyProxy(Duration oneWay) {
		this.delayNanos = oneWay.toNanos();
		try {
			this.server = new ServerSocket();
			this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Where clients connect: {@code host:port} on loopback. */
	String address() {
		return this.server.getInetAddress().getHostAddress() + ":" + this.server.getLocalPort();
	}

	/** Connections accepted so far: how a run can tell that its clients went through the proxy. */
	long accepted() {
		return this.accepted.get();
	}

	/**
	 * Start accepting connections and forward each to a loopback port.
	 * @param port the broker's port
	 */
	void forwardTo(int port) {
		this.targetPort = port;
		daemon("latency-proxy-accept", this::accept).start();
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = track(this.server.accept());
			}
			catch (IOException ex) {
				// Closed, and the loop ends; or accepting failed, and the client will connect again.
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
				continue;
			}
			this.accepted.incrementAndGet();
			try {
				Socket broker = track(new Socket(InetAddress.getLoopbackAddress(), this.targetPort));
				client.setTcpNoDelay(true);
				broker.setTcpNoDelay(true);
				pipe(client, broker, "up");
				pipe(broker, client, "down");
			}
			catch (IOException ex) {
				close(client);
			}
		}
	}

	private Socket track(Socket socket) {
		this.sockets.add(socket);
		return socket;
	}

	private void pipe(Socket from, Socket to, String direction) {
		Pipe pipe = new Pipe(from, to);
		daemon("latency-proxy-read-" + direction, pipe::read).start();
		daemon("latency-proxy-write-" + direction, pipe::write).start();
	}

	/** One direction of one connection. */
	private final class Pipe {

		private final BlockingQueue<Delayed> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);

		private final Socket from;

		private final Socket to;

		private volatile boolean ended;

		Pipe(Socket from, Socket to) {
			this.from = from;
			this.to = to;
		}

		void read() {
			byte[] buffer = new byte[CHUNK];
			try {
				InputStream in = this.from.getInputStream();
				int read;
				while (!LatencyProxy.this.closed && (read = in.read(buffer)) >= 0) {
					Delayed chunk = new Delayed(System.nanoTime() + LatencyProxy.this.delayNanos,
							Arrays.copyOf(buffer, read));
					while (!this.queue.offer(chunk, 1, TimeUnit.SECONDS)) {
						if (LatencyProxy.this.closed) {
							return;
						}
					}
				}
			}
			catch (IOException | InterruptedException ex) {
				// The connection or the proxy closed.
			}
			finally {
				// The writer closes both sockets once it has written what was read before.
				this.ended = true;
			}
		}

		void write() {
			try {
				OutputStream out = this.to.getOutputStream();
				while (!LatencyProxy.this.closed) {
					Delayed next = this.queue.poll(100, TimeUnit.MILLISECONDS);
					if (next == null) {
						if (this.ended && this.queue.isEmpty()) {
							break;
						}
						continue;
					}
					long wait;
					while ((wait = next.due() - System.nanoTime()) > 0 && !LatencyProxy.this.closed) {
						LockSupport.parkNanos(wait);
					}
					out.write(next.bytes());
					out.flush();
				}
			}
			catch (IOException | InterruptedException ex) {
				// The connection or the proxy closed.
			}
			finally {
				close(this.from);
				close(this.to);
			}
		}

	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	private void close(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
		this.sockets.remove(socket);
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
		this.sockets.forEach(this::close);
	}

	private record Delayed(long due, byte[] bytes) {
	}

}
