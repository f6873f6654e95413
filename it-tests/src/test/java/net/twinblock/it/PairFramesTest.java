package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The two write protocols of the mirror link as /metrics exports them (DESIGN section 3): a write
 * up to the small-write threshold (32 KiB by default) costs the secondary one frame, a larger one
 * an announcement, data and a completion: at least three.
 */
class PairFramesTest {

    private static final int SMALL_WRITES = 30;
    private static final int LARGE_WRITES = 12;

    private static double metric(NodeProcess node, String series) {
        return PairProcesses.metric(node, series).orElseThrow(() -> new AssertionError("no " + series
                + " in /metrics of node " + node.pid() + ":\n" + PairProcesses.admin(node, "/metrics")));
    }

    @Test
    void aSmallWriteIsOneFrameOnTheLinkAndALargeOneAtLeastThree() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            NodeProcess secondary = pair.secondary();
            // A fresh pair of new volumes needs no initial copy: nothing has crossed the link yet.
            assertEquals(0.0, metric(secondary, "twinblock_mirror_received_writes_total{path=\"small\"}"));
            assertEquals(0.0, metric(secondary, "twinblock_mirror_received_writes_total{path=\"large\"}"));

            try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:frames")) {
                // Up to and including the threshold: the small path.
                int[] small = {512, 4096, 16 * 1024, 32 * 1024};
                for (int i = 0; i < SMALL_WRITES; i++) {
                    int length = small[i % small.length];
                    host.write(i * 128L, PairClient.pattern(i, i, length), false);
                }
                // One block over the threshold, and larger: the large path.
                int[] large = {32 * 1024 + 512, 64 * 1024, 256 * 1024, 1024 * 1024};
                for (int i = 0; i < LARGE_WRITES; i++) {
                    int length = large[i % large.length];
                    host.write(8192 + i * 2048L, PairClient.pattern(i, 1000 + i, length), false);
                }
            }
            double smallWrites = metric(secondary, "twinblock_mirror_received_writes_total{path=\"small\"}");
            double smallFrames = metric(secondary, "twinblock_mirror_received_frames_total{path=\"small\"}");
            double largeWrites = metric(secondary, "twinblock_mirror_received_writes_total{path=\"large\"}");
            double largeFrames = metric(secondary, "twinblock_mirror_received_frames_total{path=\"large\"}");
            double smallPerWrite = metric(secondary, "twinblock_mirror_frames_per_write{path=\"small\"}");
            double largePerWrite = metric(secondary, "twinblock_mirror_frames_per_write{path=\"large\"}");
            System.out.printf("frames per mirrored write: small %.2f (%d writes), large %.2f (%d writes)%n",
                    smallPerWrite, (long) smallWrites, largePerWrite, (long) largeWrites);

            // Every host write was one mirrored write, on the path its size chose.
            assertEquals(SMALL_WRITES, smallWrites);
            assertEquals(LARGE_WRITES, largeWrites);
            assertEquals(SMALL_WRITES, smallFrames, "a small write is exactly one frame");
            assertEquals(1.0, smallPerWrite);
            assertTrue(largeFrames >= 3.0 * LARGE_WRITES, "large writes took " + largeFrames + " frames");
            assertTrue(largePerWrite >= 3.0, "frames per large write: " + largePerWrite);
            assertTrue(smallPerWrite < largePerWrite);
            // The primary counts every one of them as mirrored to both nodes.
            assertEquals(SMALL_WRITES + LARGE_WRITES,
                    metric(pair.primary(), "twinblock_mirror_writes_total{result=\"mirrored\"}"));
        }
    }
}
