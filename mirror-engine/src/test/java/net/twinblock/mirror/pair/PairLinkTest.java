package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.FrameType;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.VolumeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import net.twinblock.mirror.resync.DivergenceTracker;

/** Who may mirror to a secondary, and what writes do when the link is lost and comes back. */
@ExtendWith(LeakGuard.class)
class PairLinkTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private PairHarness h;
    private LogCapture log;

    @BeforeEach
    void setUp() {
        h = new PairHarness(dir);
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
        h.close();
    }

    @Test
    void aPrimaryWithTheWrongSecretIsRefusedAndTheRealOneStillPairs() throws Exception {
        FileVolume b = h.volume("b.img");
        PairNode secondary = h.start(secondaryConfig(), b, true);
        PairConfig rogueCfg = new PairConfig(Role.PRIMARY, null, secondary.listenAddress(),
                "not the shared secret at all".getBytes(StandardCharsets.US_ASCII), 32 * 1024, OnPeerLoss.CONTINUE,
                Duration.ofSeconds(30), PairHarness.HEARTBEAT);
        PairNode rogue = h.start(rogueCfg, h.volume("rogue.img"), true);
        await().atMost(WAIT).until(() -> log.contains("refused: authentication failed"));
        assertEquals(PairState.CONNECTING, secondary.state(), "the secondary never accepted the rogue");
        rogue.volume().write(0, data(random(4096, 1)), false).get(10, TimeUnit.SECONDS); // degraded, local only
        assertArrayEquals(new byte[4096], PairHarness.read(b, 0, 4096), "nothing reached the secondary");
        rogue.close();

        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), h.volume("a.img"), true);
        await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
        byte[] bytes = random(4096, 2);
        primary.volume().write(0, data(bytes), false).get(10, TimeUnit.SECONDS);
        assertArrayEquals(bytes, PairHarness.read(b, 0, 4096));
    }

    @Test
    void rawFramesFromAClientThatNeverAuthenticatedAreRefused() throws Exception {
        FileVolume b = h.volume("b.img");
        PairNode secondary = h.start(secondaryConfig(), b, true);
        try (Socket s = new Socket("127.0.0.1", secondary.listenAddress().getPort())) {
            // A well-formed small WRITE of 512 bytes at offset 0: framing is right, identity is not.
            ByteBuffer frame = ByteBuffer.allocate(16 + 512);
            frame.putInt(FrameType.WRITE.code() << 24 | 512).putInt(1).putLong(0);
            frame.put(random(512, 3));
            OutputStream out = s.getOutputStream();
            out.write(frame.array());
            out.flush();
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            byte[] header = in.readNBytes(16); // the ERROR frame
            assertEquals(FrameType.ERROR.code(), header[0] & 0xff);
            in.readNBytes((header[1] & 0x0f) << 16 | (header[2] & 0xff) << 8 | (header[3] & 0xff));
            assertEquals(-1, in.read(), "and the connection is closed");
        }
        assertTrue(log.contains("refused: sent WRITE before completing the authenticated handshake"), log.lines.toString());
        assertArrayEquals(new byte[512], PairHarness.read(b, 0, 512));
        assertEquals(0, secondary.metrics().get("mirror.received_applied"));
    }

    @Test
    void aSecondPrimaryIsRefusedWhileOneIsConnected() throws Exception {
        PairNode secondary = h.start(secondaryConfig(), h.volume("b.img"), true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), h.volume("a.img"), true);
        await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
        PairNode other = h.start(primaryConfig(secondary.listenAddress()).withOnPeerLoss(OnPeerLoss.CONTINUE,
                Duration.ofSeconds(30)), h.volume("c.img"), true);
        await().atMost(WAIT).until(() -> log.contains("another primary is connected to this secondary"));
        assertEquals(PairState.CONNECTING, other.state());
        assertEquals(PairState.IN_SYNC, primary.state());
    }

    @Test
    void volumesOfDifferentSizesAreRefusedNamingBothSizes() throws Exception {
        PairNode secondary = h.start(secondaryConfig(), h.volume("b.img", 8L * 1024 * 1024), true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), h.volume("a.img"), true);
        await().atMost(WAIT).until(() -> log.contains("volume sizes differ: primary 16777216 bytes, secondary 8388608 bytes"));
        assertEquals(PairState.CONNECTING, primary.state());
    }

    @Test
    void continueCompletesWritesWithoutTheSecondaryMarksThemAndCopiesWhenItReturns() throws Exception {
        FileVolume a = h.volume("a.img");
        FileVolume b = h.volume("b.img");
        PairNode secondary = h.start(secondaryConfig(), b, true);
        LinkCutter cable = new LinkCutter(secondary.listenAddress());
        List<long[]> marked = new CopyOnWriteArrayList<>();
        DivergenceTracker tracker = recording(marked);
        PairNode primary = PairNode.start(primaryConfig(cable.address()).withOnPeerLoss(OnPeerLoss.CONTINUE,
                Duration.ofSeconds(30)), a, h.group, io.netty.channel.socket.nio.NioServerSocketChannel.class,
                io.netty.channel.socket.nio.NioSocketChannel.class,
                PairOptions.defaults().withVolumeCreated(true).withDivergence(tracker));
        try {
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
            primary.volume().write(0, data(random(4096, 1)), false).get(10, TimeUnit.SECONDS);
            // Flushed on both: a lost link need not mark it (an unflushed one would be, see ReplicatorTest).
            primary.volume().flush().get(10, TimeUnit.SECONDS);

            cable.cut();
            await().atMost(WAIT).until(() -> primary.state() == PairState.DEGRADED);
            byte[] during = random(8192, 2);
            primary.volume().write(65536, data(during), false).get(10, TimeUnit.SECONDS);
            assertEquals(1, marked.size());
            assertArrayEquals(new long[] {65536, 8192}, marked.get(0));
            assertFalse(primary.metadata().clean(), "the primary knows on disk that it is ahead");
            assertTrue(log.contains("pair DEGRADED: writing without the secondary"));
            assertArrayEquals(new byte[8192], PairHarness.read(b, 65536, 8192), "the secondary does not have it");

            cable.restore();
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
            assertArrayEquals(during, PairHarness.read(b, 65536, 8192), "the full copy brought it over");
            // The copy's end records "clean" just after the state turns IN_SYNC (Replicator.copyDone).
            await().atMost(WAIT).until(() -> primary.metadata().clean());
            assertFalse(tracker.anyChanged());
        } finally {
            primary.close();
            cable.close();
        }
        assertArrayEquals(PairHarness.file(a.file()), PairHarness.file(b.file()));
    }

    @Test
    void suspendHoldsWritesUntilTheLinkReturns() throws Exception {
        FileVolume a = h.volume("a.img");
        FileVolume b = h.volume("b.img");
        PairNode secondary = h.start(secondaryConfig(), b, true);
        try (LinkCutter cable = new LinkCutter(secondary.listenAddress())) {
            PairNode primary = h.start(primaryConfig(cable.address()).withOnPeerLoss(OnPeerLoss.SUSPEND,
                    Duration.ofSeconds(30)), a, true);
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
            cable.cut();
            await().atMost(WAIT).until(() -> primary.state() == PairState.SUSPENDED);
            byte[] bytes = random(4096, 3);
            CompletableFuture<Void> held = primary.volume().write(0, data(bytes), false);
            CompletableFuture<Void> flush = primary.volume().flush();
            assertFalse(held.isDone());
            assertArrayEquals(new byte[4096], PairHarness.read(a, 0, 4096), "held before touching either disk");
            cable.restore();
            held.get(20, TimeUnit.SECONDS);
            flush.get(20, TimeUnit.SECONDS);
            assertEquals(PairState.IN_SYNC, primary.state(), "nothing diverged, so no copy was needed");
            assertArrayEquals(bytes, PairHarness.read(a, 0, 4096));
            assertArrayEquals(bytes, PairHarness.read(b, 0, 4096));
        }
    }

    @Test
    void suspendFailsHeldWritesAsRetryableAtTheTimeout() throws Exception {
        FileVolume a = h.volume("a.img");
        PairNode secondary = h.start(secondaryConfig(), h.volume("b.img"), true);
        try (LinkCutter cable = new LinkCutter(secondary.listenAddress())) {
            PairNode primary = h.start(primaryConfig(cable.address()).withOnPeerLoss(OnPeerLoss.SUSPEND,
                    Duration.ofMillis(300)), a, true);
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
            cable.cut();
            await().atMost(WAIT).until(() -> primary.state() == PairState.SUSPENDED);
            CompletableFuture<Void> held = primary.volume().write(0, data(random(4096, 4)), false);
            ExecutionException e = assertThrows(ExecutionException.class, () -> held.get(20, TimeUnit.SECONDS));
            VolumeException v = assertInstanceOf(VolumeException.class, e.getCause());
            assertTrue(v.retryable(), v.getMessage());
            assertArrayEquals(new byte[4096], PairHarness.read(a, 0, 4096), "a failed write touched neither node");
            assertTrue(primary.metadata().clean(), "and nothing diverged");
        }
    }

    private static DivergenceTracker recording(List<long[]> marked) {
        DivergenceTracker full = DivergenceTracker.fullResync();
        return new DivergenceTracker() {
            @Override
            public void markChanged(long offset, long length) {
                marked.add(new long[] {offset, length});
                full.markChanged(offset, length);
            }

            @Override
            public boolean anyChanged() {
                return full.anyChanged();
            }

            @Override
            public void clear() {
                full.clear();
            }
        };
    }

    @Test
    void aSilentPeerIsDetectedByMissedHeartbeats() throws Exception {
        PairNode secondary = h.start(secondaryConfig(), h.volume("b.img"), true);
        try (LinkCutter cable = new LinkCutter(secondary.listenAddress())) {
            PairNode primary = h.start(primaryConfig(cable.address()).withOnPeerLoss(OnPeerLoss.CONTINUE,
                    Duration.ofSeconds(30)), h.volume("a.img"), true);
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
            cable.freeze(); // no FIN, no RST: only the heartbeats can tell
            await().atMost(WAIT).until(() -> primary.state() == PairState.DEGRADED
                    && secondary.state() == PairState.CONNECTING);
            assertTrue(log.contains("sent nothing for 3 heartbeats"), log.lines.toString());
            cable.restore();
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
        }
    }
}
