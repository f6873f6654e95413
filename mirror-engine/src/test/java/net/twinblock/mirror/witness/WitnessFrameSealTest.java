package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessHarness.KEY_1;
import static net.twinblock.mirror.witness.WitnessHarness.get;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.SharedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone on the path between a node and its witness, after their handshake: a frame it injects
 * or alters never counts, and the link it touched drops (the client redials and goes on).
 */
@ExtendWith(LeakGuard.class)
class WitnessFrameSealTest {

    private static final String PAIR = "pair-on-a-tapped-wire";
    /** Where a REPLY frame holds the first byte of the primary's name: header, then 20 bytes of body. */
    private static final int PRIMARY_AT = 16 + 20;

    @TempDir
    Path dir;

    @Test
    void aFrameInjectedAfterTheHandshakeDropsTheLinkAndChangesNothing() throws Exception {
        onATappedLink((owner, tapped, tap) -> {
            assertEquals("a", get(tapped.query(PAIR)).primary(), "sealed frames pass an honest tap");
            // An administrator's FORCE_PROMOTE, forged with a trailer of the right size.
            ByteBuf forged = WitnessWire.encode(new PairRequest(WitnessFrameType.FORCE_PROMOTE, 99, PAIR, "mallory", 0));
            try {
                tap.injectTowardWitness(ByteBufUtil.getBytes(forged), SharedKey.newNonce());
            } finally {
                forged.release();
            }
            await("the witness dropped the tapped link").atMost(Duration.ofSeconds(10))
                    .until(() -> tap.connections() >= 2);
            assertEquals("a", get(owner.query(PAIR)).primary(), "the forged promotion did nothing");
            await().atMost(Duration.ofSeconds(10)).until(tapped::connected);
            assertEquals("a", get(tapped.query(PAIR)).primary(), "the client redialled and goes on");
        });
    }

    @Test
    void anAlteredReplyDropsTheLinkAndIsNotBelieved() throws Exception {
        onATappedLink((owner, tapped, tap) -> {
            tap.renameThePrimaryInTheNextReply((byte) 'm');
            Exception e = assertThrows(Exception.class, () -> get(tapped.query(PAIR)),
                    "an altered answer must fail, not name another primary");
            assertTrue(e instanceof WitnessUnavailableException, e::toString);
            await().atMost(Duration.ofSeconds(10)).until(() -> tap.connections() >= 2 && tapped.connected());
            assertEquals("a", get(tapped.query(PAIR)).primary());
        });
    }

    private interface TappedLink {
        void run(WitnessClient owner, WitnessClient tapped, Tap tap) throws Exception;
    }

    /**
     * A witness whose pair {@link #PAIR} has primary "a" ({@code owner}'s lease), and a second
     * client of that pair connected to it through a {@link Tap}; all closed afterwards.
     */
    private void onATappedLink(TappedLink test) throws Exception {
        try (WitnessHarness h = new WitnessHarness(dir); Tap tap = new Tap(h.address())) {
            WitnessClient owner = h.client(KEY_1);
            assertTrue(get(owner.renewLease(PAIR, "a", 1)).granted());
            WitnessClient tapped = new WitnessClient(tap.address(), KEY_1, WitnessHarness.CLIENT, h.group,
                    NioSocketChannel.class);
            try {
                tapped.start();
                await("client connected through the tap").atMost(Duration.ofSeconds(10)).until(tapped::connected);
                test.run(owner, tapped, tap);
            } finally {
                tapped.close();
            }
        }
    }

    /** A TCP relay to the witness that can add bytes toward it or change a reply coming back. */
    private static final class Tap implements AutoCloseable {

        private final ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        private final InetSocketAddress witness;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final AtomicInteger accepted = new AtomicInteger();
        private volatile OutputStream towardWitness;
        private volatile int renameTo = -1;

        Tap(InetSocketAddress witness) throws IOException {
            this.witness = witness;
            Thread t = new Thread(this::accept, "witness-tap");
            t.setDaemon(true);
            t.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
        }

        int connections() {
            return accepted.get();
        }

        /** Writes {@code parts} into the current connection's stream to the witness, between two frames. */
        void injectTowardWitness(byte[]... parts) throws IOException {
            OutputStream out = towardWitness;
            synchronized (out) {
                for (byte[] p : parts) {
                    out.write(p);
                }
                out.flush();
            }
        }

        /** The next REPLY from the witness names {@code first} as its primary's first character. */
        void renameThePrimaryInTheNextReply(byte first) {
            renameTo = first;
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = listener.accept();
                    Socket upstream = new Socket(witness.getAddress(), witness.getPort());
                    sockets.add(client);
                    sockets.add(upstream);
                    towardWitness = upstream.getOutputStream();
                    accepted.incrementAndGet();
                    relay(client, upstream, towardWitness, false);
                    relay(upstream, client, client.getOutputStream(), true);
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void relay(Socket from, Socket toSocket, OutputStream to, boolean fromWitness) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = from.getInputStream()) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        if (fromWitness && renameTo >= 0 && n > PRIMARY_AT && (buf[0] & 0xff) == 0xa0) {
                            buf[PRIMARY_AT] = (byte) renameTo;
                            renameTo = -1;
                        }
                        synchronized (to) {
                            to.write(buf, 0, n);
                            to.flush();
                        }
                    }
                } catch (IOException e) {
                    // one side closed
                }
                close(from); // either side going ends this connection, as a cut cable would
                close(toSocket);
            }, "witness-tap-relay");
            t.setDaemon(true);
            t.start();
        }

        private static void close(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // going anyway
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            sockets.forEach(Tap::close);
        }
    }
}
