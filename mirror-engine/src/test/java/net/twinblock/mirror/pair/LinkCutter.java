package net.twinblock.mirror.pair;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.twinblock.mirror.link.FrameHeader;

/**
 * A TCP relay between primary and secondary that a test can cut and restore, like pulling and
 * replugging the replication cable: cut() closes every relayed connection, and while cut new
 * connections are accepted and closed at once.
 */
final class LinkCutter implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean frozen;
    /** New connections: the secondary's handshake frames (HELLO_ACK, HELLO_IDENTITY) pass, nothing after them. */
    private volatile boolean holdReplies;
    private volatile boolean closed;

    LinkCutter(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "link-cutter");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", listener.getLocalPort());
    }

    void cut() {
        cut = true;
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    void restore() {
        holdReplies = false;
        cut = false;
        frozen = false;
    }

    /**
     * Lets the next connections through, but of what the secondary sends only its handshake frames
     * (HELLO_ACK, HELLO_IDENTITY): the primary's link comes up and its frames reach the secondary, yet no ack and no
     * heartbeat ever comes back, until the primary gives the link up. {@link #restore()} ends it
     * for connections made after that call.
     */
    void restoreHoldingReplies() {
        holdReplies = true;
        cut = false;
        frozen = false;
    }

    /** Stops relaying without closing anything: a peer that went silent (power cut, dead switch). */
    void freeze() {
        frozen = true;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = listener.accept();
                if (cut) {
                    closeQuietly(in);
                    continue;
                }
                Socket out = new Socket(target.getAddress(), target.getPort());
                sockets.add(in);
                sockets.add(out);
                pump(in, out, -1);
                pump(out, in, holdReplies ? HANDSHAKE_FRAMES : -1);
            } catch (IOException e) {
                // closed listener, or the target refused: the connecting side sees a close
            }
        }
    }

    /** How many frames the secondary sends before its primary's link is up. */
    private static final int HANDSHAKE_FRAMES = 2;

    /** Relays {@code from} to {@code to}; with {@code onlyFrames} >= 0, only that many frames. */
    private void pump(Socket from, Socket to, int onlyFrames) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                int n;
                if (onlyFrames >= 0) {
                    for (int f = 0; f < onlyFrames; f++) {
                        byte[] header = i.readNBytes(FrameHeader.LENGTH);
                        int payload = ByteBuffer.wrap(header).getInt() & 0xFFFFF; // the low 20 bits
                        o.write(header);
                        o.write(i.readNBytes(payload));
                    }
                    while (i.read(buf) >= 0) {
                        // dropped, as on a path that lost the way back
                    }
                }
                while ((n = i.read(buf)) >= 0) {
                    while (frozen && !from.isClosed()) {
                        Thread.onSpinWait(); // the bytes wait here, as on a dead path
                        Thread.yield();
                    }
                    if (frozen) {
                        break;
                    }
                    o.write(buf, 0, n);
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "link-cutter-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
        listener.close();
    }
}
