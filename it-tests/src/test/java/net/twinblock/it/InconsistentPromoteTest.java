package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A secondary cut off in the middle of a resync holds a half-copied image (regions arrive out of
 * write order): `promote` refuses it, saying why and what to do, and only `promote --force`
 * makes it the primary.
 */
class InconsistentPromoteTest {

    private static final int BLOCK = PairClient.BLOCK;
    private static final int REGION = 64 * 1024;

    @Test
    void aSecondaryCutOffMidResyncIsRefusedPromotionUnlessForced() throws Exception {
        try (ResyncTest.Pair pair = new ResyncTest.Pair("--lun.0.size=256M")) {
            assertTrue(status(pair.secondary).contains("\"consistent\": true"), status(pair.secondary));
            pair.proxy.cut();
            await("primary degraded").atMost(Duration.ofSeconds(30))
                    .until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
            long marked = writeDuringOutage(pair.primary);
            // Slow enough that the cut below lands with most of the marked regions still to copy.
            pair.proxy.throttle(8 << 20);
            pair.proxy.restore();
            await("resync under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ResyncTest.metric(pair.primary, "twinblock_resync_regions_done") >= 64);
            pair.proxy.cut();
            long done = ResyncTest.metric(pair.primary, "twinblock_resync_regions_done");
            assertTrue(done < marked, done + " of " + marked + " regions copied: the cut missed the resync");
            assertEquals(0, pair.primary.stop());

            await("secondary sees the link gone").atMost(Duration.ofSeconds(30))
                    .until(() -> "connecting".equals(PairProcesses.mirrorState(pair.secondary)));
            String status = status(pair.secondary);
            assertTrue(status.contains("\"consistent\": false"), status);

            ToolResult refused = PairProcesses.promote(pair.secondary);
            assertEquals(1, refused.exitCode(), refused.describe());
            assertTrue(refused.stderr().startsWith("promote refused: cannot promote: this copy is inconsistent: LUN 0:"
                    + " a resync from primary was at "), refused.describe());
            assertTrue(refused.stderr().contains("bring the primary back, or promote --force to serve it anyway"
                    + " (acknowledged writes may be missing)"), refused.describe());
            assertEquals("secondary", PairProcesses.mirrorRole(pair.secondary));

            ToolResult forced = pair.secondary.cli(Duration.ofSeconds(90), "promote", "--force");
            assertEquals(0, forced.exitCode(), forced.describe());
            assertTrue(forced.stdout().contains("\"result\": \"promoted\""), forced.describe());
            assertEquals("primary", PairProcesses.mirrorRole(pair.secondary));
            assertTrue(status(pair.secondary).contains("\"consistent\": true"), status(pair.secondary));
            assertTrue(pair.secondary.logText().contains("promoting an INCONSISTENT copy"),
                    pair.secondary.logTail(30));
        }
    }

    private static String status(NodeProcess node) {
        return PairProcesses.admin(node, "/status");
    }

    /** Marks 1024 regions of 64 KiB (the first 64 MiB) while the link is down; returns how many. */
    private static long writeDuringOutage(NodeProcess primary) throws IOException {
        try (PairClient host = PairClient.login(primary, "iqn.2026-01.net.twinblock.it:inconsistent-writer")) {
            for (long mib = 0; mib < 64; mib++) {
                for (int part = 0; part < 4; part++) {
                    long lba = (mib << 20) / BLOCK + part * (256 * 1024 / BLOCK);
                    host.write(lba, PairClient.pattern(lba, mib, 256 * 1024), false);
                }
            }
            host.synchronizeCache();
        }
        return (64L << 20) / REGION;
    }
}
