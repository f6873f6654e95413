package net.twinblock.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the two nodes of a pair, so a test can cut the mirror link as a failed
 * switch would, and restore it, without touching either process. While cut, every connection
 * through it is closed and new ones are accepted and closed at once (the node then retries).
 */
final class LinkProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    /** Bytes per second each direction may carry, 0 for no limit. */
    private volatile long rate;
    private volatile boolean closed;

    private LinkProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Listens on a free loopback port and forwards to {@code targetPort} on loopback. */
    static LinkProxy start(int targetPort) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LinkProxy p = new LinkProxy(s, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        Thread t = new Thread(p::acceptLoop, "link-proxy-" + s.getLocalPort());
        t.setDaemon(true);
        t.start();
        return p;
    }

    int port() {
        return server.getLocalPort();
    }

    /** Drops every connection through the proxy and refuses new ones until {@link #restore()}. */
    void cut() {
        cut = true;
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    void restore() {
        cut = false;
    }

    /**
     * Slows each direction to about {@code bytesPerSecond} (0: full speed again), so a test can
     * act while a long transfer is still under way.
     */
    void throttle(long bytesPerSecond) {
        rate = bytesPerSecond;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                closeQuietly(in);
                continue;
            }
            Socket out = new Socket();
            try {
                // As both nodes do on the real link: without it a small frame sent while an earlier one
                // is unacknowledged (a scrub's hashes beside a write) waits for a delayed ACK, up to 40 ms.
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                out.connect(target, 5000);
            } catch (IOException e) {
                closeQuietly(in);
                closeQuietly(out);
                continue;
            }
            open.add(in);
            open.add(out);
            pump(in, out);
            pump(out, in);
        }
    }

    /** Copies one direction; either side ending ends both. */
    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                int n;
                while ((n = i.read(buf)) >= 0) {
                    o.write(buf, 0, n);
                    long limit = rate;
                    if (limit > 0) {
                        Thread.sleep(Math.max(1, n * 1000L / limit));
                    }
                }
            } catch (IOException | InterruptedException e) {
                // cut or closed: fall through and close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "link-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
        server.close();
    }
}
