package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.file;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.read;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consistency points across a real link (DESIGN section 6): the primary sends manifests by
 * reference, the secondary holds its journal until each one, and the volumes end identical with
 * most blocks applied from the secondary's journal and no data sent twice.
 */
@ExtendWith(LeakGuard.class)
class PointPairTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final PairOptions POINTS = PairOptions.defaults().withVolumeCreated(true)
            .withPoints(new PointSettings(true, Duration.ofMillis(50), 64L << 20, 4096,
                    PointSettings.DEFAULT_FLUSH_SPACING));

    @TempDir
    Path dir;

    @Test
    void aWriterAcrossManyPointsEndsIdenticalWithMostBlocksByReference() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            FileVolume a = h.volume("a.img");
            FileVolume b = h.volume("b.img");
            PairNode secondary = h.start(secondaryConfig(), b, POINTS);
            PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, POINTS);
            await().atMost(WAIT).until(() -> secondary.state() == PairState.IN_SYNC);
            Volume host = primary.volume();
            Random r = new Random(14);
            for (int round = 0; round < 40; round++) {
                long sent = primary.metrics().get("cp.points_sent");
                for (int i = 0; i < 20; i++) {
                    long block = r.nextInt(256); // a 1 MiB area: blocks are rewritten across and within points
                    host.write(block * 4096, data(random(4096 * (1 + r.nextInt(4)), round * 100 + i)), false)
                            .get(30, TimeUnit.SECONDS);
                }
                // a 512-byte write inside a block: the secondary rebuilds it from its journal
                host.write(r.nextInt(2048) * 512L, data(random(512, round)), false).get(30, TimeUnit.SECONDS);
                if (round % 10 == 9) {
                    host.flush().get(30, TimeUnit.SECONDS); // a host flush is followed by a point
                }
                await().atMost(WAIT).until(() -> primary.metrics().get("cp.points_sent") > sent); // the timer's
            }
            // A host flushing after every write: its points coalesce while one is in flight (PointCutter).
            for (int i = 0; i < 100; i++) {
                host.write(r.nextInt(256) * 4096L, data(random(4096, 5000 + i)), false).get(30, TimeUnit.SECONDS);
                host.flush().get(30, TimeUnit.SECONDS);
            }
            // The last point (perhaps owed until the one before it is answered) covers every write:
            // the secondary's volume file itself becomes the primary's.
            await().atMost(WAIT).until(() -> Arrays.equals(read(a, 0, 2 << 20),
                    Arrays.copyOf(file(dir.resolve("b.img")), 2 << 20)));
            Map<String, Long> p = primary.metrics();
            await().atMost(WAIT).until(() -> secondary.metrics().get("journal.points").equals(
                    primary.metrics().get("cp.points_sent")));
            Map<String, Long> s = secondary.metrics();
            assertTrue(s.get("journal.points") >= 10, "points applied: " + s.get("journal.points"));
            assertEquals(p.get("cp.blocks_by_reference"), s.get("journal.blocks_by_reference")
                    + s.get("journal.blocks_rebuilt"), "every referenced block applied from the journal");
            assertTrue(s.get("journal.blocks_by_reference") > 4 * p.get("cp.blocks_partial"),
                    "most blocks by reference: " + s + " " + p);
            double perHostByte = (double) p.get("mirror.link_bytes") / p.get("mirror.host_bytes");
            assertTrue(perHostByte <= 1.05, "link bytes per host byte " + perHostByte);
        }
    }
}
