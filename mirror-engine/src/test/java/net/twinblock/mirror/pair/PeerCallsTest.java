package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.VolumeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume's peer calls between two real nodes over loopback: the embedder's bytes go both ways
 * and come back answered, a call that arrives before the embedder is wired waits for it, a lost
 * link fails what waits, a replica follows mirror.on-peer-loss as a write does (held for the link
 * under SUSPEND), and the secondary's forwarded writes pass the primary's gate.
 */
@ExtendWith(LeakGuard.class)
class PeerCallsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void callsGoBothWaysAndACallBeforeTheResponderWaitsForIt() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode secondary = h.start(secondaryConfig(), h.volume("b.img"), true);
            PairNode primary = h.start(primaryConfig(secondary.listenAddress()), h.volume("a.img"), true);
            AtomicInteger linkUps = new AtomicInteger();
            secondary.volume(0).calls().whenLinked(linkUps::incrementAndGet);
            await().atMost(WAIT).until(() -> primary.volume(0).calls().linked());

            CompletableFuture<byte[]> early = primary.volume(0).calls().call(new byte[] {1, 2});
            await("nobody answers on the secondary yet").during(Duration.ofMillis(300)).atMost(WAIT)
                    .until(() -> !early.isDone());
            secondary.volume(0).calls().answerWith(call ->
                    CompletableFuture.completedFuture(new byte[] {call[1], call[0]}));
            assertArrayEquals(new byte[] {2, 1}, early.get(10, TimeUnit.SECONDS));

            primary.volume(0).calls().answerWith(call -> CompletableFuture.completedFuture(new byte[] {42}));
            assertArrayEquals(new byte[] {42},
                    secondary.volume(0).calls().call(new byte[] {7}).get(10, TimeUnit.SECONDS));
            await().atMost(WAIT).until(() -> linkUps.get() >= 1);
        }
    }

    @Test
    void aLostLinkFailsWhatWaitsRetryableAndSuspendGivesUpOnAReplicaAtItsTimeout() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode secondary = h.start(secondaryConfig(), h.volume("b.img"), true);
            PairNode primary = h.start(primaryConfig(secondary.listenAddress())
                    .withOnPeerLoss(OnPeerLoss.SUSPEND, Duration.ofMillis(300)), h.volume("a.img"), true);
            await().atMost(WAIT).until(() -> primary.volume(0).calls().linked());
            secondary.volume(0).calls().answerWith(call -> new CompletableFuture<>()); // never answers
            CompletableFuture<byte[]> waiting = primary.volume(0).calls().call(new byte[] {1});
            CompletableFuture<Void> replica = primary.volume(0).calls().replicate(new byte[] {2});
            secondary.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            assertTrue(assertInstanceOf(VolumeException.class, e.getCause()).retryable(), e.toString());
            // SUSPEND: the replica is held for the link like a write, and given up, retryable, at the timeout.
            e = assertThrows(ExecutionException.class, () -> replica.get(10, TimeUnit.SECONDS));
            assertTrue(assertInstanceOf(VolumeException.class, e.getCause()).retryable(), e.toString());
            assertTrue(e.getCause().getMessage().contains("did not come back within 300 ms"), e.toString());
        }
    }

    @Test
    void underSuspendAReplicaWithoutALinkIsHeldAndSentWhenTheLinkIsBack() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            CutLink cut = CutLink.of(h);
            try (LinkCutter cable = cut.cable()) {
                PairNode primary = cut.primary();
                List<Byte> received = cut.received();

                CompletableFuture<Void> replica = primary.volume(0).calls().replicate(new byte[] {9});
                await("held while the link is down").during(Duration.ofMillis(500)).atMost(WAIT)
                        .until(() -> !replica.isDone());
                cable.restore();
                replica.get(20, TimeUnit.SECONDS);
                assertEquals(List.of((byte) 9), received, "the secondary got it over the new link");
            }
        }
    }

    @Test
    void aReplicaHeldByANodeThatStopsDecidingFailsAndNeverReachesThePartner() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            CutLink cut = CutLink.of(h);
            try (LinkCutter cable = cut.cable()) {
                PairNode primary = cut.primary();
                List<Byte> received = cut.received();
                CompletableFuture<Void> replica = primary.volume(0).calls().replicate(new byte[] {3});

                primary.volume(0).calls().stopDeciding(); // what demotion and fencing do (stopPrimary)
                ExecutionException e = assertThrows(ExecutionException.class, () -> replica.get(10, TimeUnit.SECONDS));
                assertTrue(assertInstanceOf(VolumeException.class, e.getCause()).retryable(), e.toString());
                assertTrue(e.getCause().getMessage().contains("no longer decides"), e.toString());
                cable.restore();
                await().atMost(WAIT).until(() -> primary.volume(0).calls().linked());
                await("nothing held is sent").during(Duration.ofMillis(500)).atMost(WAIT).until(received::isEmpty);
            }
        }
    }

    /** A pair under SUSPEND through a cable, cut once the link was up; the secondary notes what it is told. */
    private record CutLink(PairNode primary, LinkCutter cable, List<Byte> received) {
        static CutLink of(PairHarness h) throws Exception {
            PairNode secondary = h.start(secondaryConfig(), h.volume("b.img"), true);
            LinkCutter cable = new LinkCutter(secondary.listenAddress());
            PairNode primary = h.start(primaryConfig(cable.address())
                    .withOnPeerLoss(OnPeerLoss.SUSPEND, Duration.ofSeconds(30)), h.volume("a.img"), true);
            List<Byte> received = new CopyOnWriteArrayList<>();
            secondary.volume(0).calls().answerWith(call -> {
                received.add(call[0]);
                return CompletableFuture.completedFuture(new byte[0]);
            });
            await().atMost(WAIT).until(() -> primary.volume(0).calls().linked());
            cable.cut();
            await().atMost(WAIT).until(() -> !primary.volume(0).calls().linked());
            return new CutLink(primary, cable, received);
        }
    }

    @Test
    void underContinueTheReplicaCompletesOnThePrimaryAlone() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode primary = h.start(primaryConfig(new java.net.InetSocketAddress("127.0.0.1", 1))
                    .withOnPeerLoss(OnPeerLoss.CONTINUE, Duration.ofSeconds(30)), h.volume("a.img"), true);
            primary.volume(0).calls().replicate(new byte[] {1}).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void writesTheSecondaryForwardsWaitForThePrimarysGate() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            FileVolume a = h.volume("a.img");
            PairNode secondary = h.start(secondaryConfig(), h.volume("b.img"), true);
            PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, true);
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
            CompletableFuture<Runnable> held = new CompletableFuture<>();
            AtomicInteger released = new AtomicInteger();
            primary.volume(0).gateForwardedWrites(() -> held);

            byte[] bytes = random(4096, 11);
            CompletableFuture<Void> write = secondary.volume().write(8192, data(bytes), false);
            await("the gate holds the forwarded write").during(Duration.ofMillis(300)).atMost(WAIT)
                    .until(() -> !write.isDone());
            held.complete(released::incrementAndGet);
            write.get(10, TimeUnit.SECONDS);
            assertArrayEquals(bytes, PairHarness.read(a, 8192, 4096));
            await().atMost(WAIT).until(() -> released.get() == 1);
        }
    }
}
