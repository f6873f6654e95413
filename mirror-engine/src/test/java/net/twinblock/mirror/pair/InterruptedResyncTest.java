package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.read;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.resync.OutageBitmap;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bitmap resync interrupted by a lost link while one of its copies still waits for a host
 * write's range lock: that copy's region is off the bitmap until the copy ends, so the next
 * link's resync must not declare the pair in sync before it is back.
 */
@ExtendWith(LeakGuard.class)
class InterruptedResyncTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int REGION = OutageBitmap.DEFAULT_REGION_SIZE;
    /** Outlives the reconnect backoff of a cut this long, so the held write below reaches a link. */
    private static final Duration SUSPEND = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void theNextLinkCopiesARegionWhoseCopyWasWaitingForAHostWriteWhenTheLinkWent() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            FileVolume a = h.volume("a.img");
            FileVolume b = h.volume("b.img");
            PairNode secondary = h.start(secondaryConfig(), b, true);
            try (LinkCutter cable = new LinkCutter(secondary.listenAddress());
                    PairNode primary = PairNode.start(primaryConfig(cable.address())
                            .withOnPeerLoss(OnPeerLoss.SUSPEND, SUSPEND), a, h.group, NioServerSocketChannel.class,
                            NioSocketChannel.class, PairOptions.defaults().withVolumeCreated(true)
                                    .withDivergence(new OutageBitmap(PairHarness.SIZE, REGION)))) {
                await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
                long region = 16L * REGION;

                // A write in flight when the cable goes: on the primary only, its region marked at the timeout.
                cable.freeze();
                CompletableFuture<Void> lost = primary.volume().write(region, data(random(REGION, 1)), false);
                await().atMost(WAIT).until(() -> primary.metrics().get("mirror.ops_pending") == 1L);
                cable.cut();
                assertThrows(ExecutionException.class, () -> lost.get(WAIT.toSeconds(), TimeUnit.SECONDS));

                // SUSPEND gave up: a host write now fails at once (retryable) rather than hang another timeout.
                CompletableFuture<Void> refused = primary.volume().write(region, data(random(4096, 2)), false);
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> refused.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("fail at once"), e.getCause().getMessage());
                // The next link carries the resync's SYNC_STATE to the secondary, but no ack comes back: it drops.
                cable.restoreHoldingReplies();
                await().atMost(WAIT).until(() -> primary.state() == PairState.SYNCING);
                // A write while that link is up is held with it (a link came back: the full timeout again),
                // and it takes the region's range lock while the resync of the marked region is under way.
                CompletableFuture<Void> held = primary.volume().write(region, data(random(4096, 3)), false);
                cable.restore();

                // The link after it resumes the resync from the bitmap and re-sends the held write.
                held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
                assertArrayEquals(read(a, region, REGION), read(b, region, REGION),
                        "in sync, yet the secondary lacks the region whose copy waited for the held write");
            }
        }
    }
}
