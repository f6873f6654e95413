package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The checksum paths of DESIGN section 7 with real processes: a scrub finds exactly the blocks
 * someone changed behind the secondary's back and repairs them, and a primary that restarted
 * during an outage (its bitmap gone) finds by comparison only the regions written meanwhile.
 */
class ChecksumScanTest {

    private static final int BLOCK = PairClient.BLOCK;
    private static final int BLOCKS_PER_REGION = 64 * 1024 / BLOCK;

    private static ToolResult verify(NodeProcess node) {
        return node.cli(Duration.ofSeconds(90), "verify", "--wait");
    }

    /** Overwrites one block of a volume file directly, as a failing disk or a stray dd would. */
    private static void corrupt(Path image, long lba) throws IOException {
        byte[] junk = PairClient.pattern(lba, 0xBAD, BLOCK);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(junk);
            long pos = lba * BLOCK;
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
            ch.force(true);
        }
    }

    @Test
    void aScrubReportsExactlyTheBlocksChangedBehindTheSecondarysBackAndRepairsThem() throws Exception {
        Path primaryImage;
        Path secondaryImage;
        byte[] data = PairClient.pattern(1000, 1, 8 * BLOCK);
        try (ResyncTest.Pair pair = new ResyncTest.Pair("--scrub.repair=true", "--scrub.max-rate=0")) {
            try (PairClient host = PairClient.login(pair.primary, "iqn.2026-01.net.twinblock.it:scrub")) {
                host.write(1000, data, true);
            }
            ToolResult clean = verify(pair.primary);
            assertEquals(0, clean.exitCode(), clean.describe());
            assertTrue(clean.stdout().contains("\"mismatchedBlocks\": 0"), clean.describe());

            Path image = PairProcesses.image(pair.secondary);
            corrupt(image, 1001);
            corrupt(image, 1002);
            corrupt(image, 70_000);

            ToolResult found = verify(pair.primary);
            assertEquals(0, found.exitCode(), "every difference repaired: " + found.describe());
            assertTrue(found.stdout().contains("\"mismatchedBlocks\": 3"), found.describe());
            assertTrue(found.stdout().contains("\"repairedBlocks\": 3"), found.describe());
            assertTrue(found.stdout().contains("\"firstBlock\": 1001"), found.describe());
            assertTrue(found.stdout().contains("\"firstBlock\": 70000"), found.describe());
            // The log names the blocks (MessageFormat may group the digits).
            assertTrue(java.util.regex.Pattern.compile("scrub: blocks 1,?001 to 1,?002 differ between the nodes")
                    .matcher(pair.primary.logText()).find(), pair.primary.logTail(20));
            assertEquals(3, ResyncTest.metric(pair.primary, "twinblock_scrub_mismatched_blocks_total"));

            ToolResult again = verify(pair.primary);
            assertEquals(0, again.exitCode(), again.describe());
            assertTrue(again.stdout().contains("\"mismatchedBlocks\": 0"), again.describe());

            ToolResult onSecondary = verify(pair.secondary);
            assertEquals(1, onSecondary.exitCode(), onSecondary.describe());
            assertTrue(onSecondary.stderr().contains("runs on the primary"), onSecondary.describe());

            primaryImage = PairProcesses.image(pair.primary);
            secondaryImage = image;
            assertEquals(0, pair.primary.stop());
            assertEquals(0, pair.secondary.stop());
        }
        assertEquals(-1L, Files.mismatch(primaryImage, secondaryImage));
    }

    @Test
    void anAdministratorsChecksumResyncCopiesOnlyTheRegionsThatDiffer() throws Exception {
        try (ResyncTest.Pair pair = new ResyncTest.Pair("--scrub.max-rate=0")) {
            Path image = PairProcesses.image(pair.secondary);
            corrupt(image, 5);
            corrupt(image, 40_000);
            ToolResult usage = pair.primary.cli(Duration.ofSeconds(30), "resync");
            assertEquals(2, usage.exitCode(), usage.describe());

            ToolResult r = pair.primary.cli(Duration.ofSeconds(90), "resync", "--checksum", "--wait");
            assertEquals(0, r.exitCode(), r.describe());
            // Two 64 KiB regions differ; each is compared and copied whole.
            assertTrue(r.stdout().contains("\"blocksDiffering\": " + 2 * BLOCKS_PER_REGION), r.describe());
            assertTrue(r.stdout().contains("\"blocksCopied\": " + 2 * BLOCKS_PER_REGION), r.describe());
            ToolResult after = verify(pair.primary);
            assertEquals(0, after.exitCode(), after.describe());
            assertTrue(after.stdout().contains("\"mismatchedBlocks\": 0"), after.describe());
        }
    }

    @Test
    void aPrimaryRestartedDuringAnOutageCopiesOnlyTheRegionsThatDifferByChecksum() throws Exception {
        int writes = 20;
        Path primaryImage;
        Path secondaryImage;
        try (ResyncTest.Pair pair = new ResyncTest.Pair()) {
            try (PairClient host = PairClient.login(pair.primary, "iqn.2026-01.net.twinblock.it:before")) {
                host.write(3, PairClient.pattern(3, 99, 4096), true); // both copies hold data: no longer new
            }
            pair.proxy.cut();
            await("primary degraded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
            try (PairClient host = PairClient.login(pair.primary, "iqn.2026-01.net.twinblock.it:outage")) {
                for (int i = 0; i < writes; i++) {
                    long lba = (long) i * 37 * BLOCKS_PER_REGION + 5; // one 4 KiB write in each of 20 regions
                    host.write(lba, PairClient.pattern(lba, i, 4096), false);
                }
                host.synchronizeCache();
            }
            pair.restartPrimary(); // the outage bitmap dies with the process
            pair.proxy.restore();
            ResyncTest.awaitInSync(pair.primary, pair.secondary);

            long differing = ResyncTest.metric(pair.primary, "twinblock_resync_checksum_differing_blocks_total");
            long copied = ResyncTest.metric(pair.primary, "twinblock_resync_checksum_copied_blocks_total");
            System.out.println("checksum resync: " + differing + " blocks differed, " + copied + " copied");
            assertEquals((long) writes * BLOCKS_PER_REGION, differing, "the written regions, nothing else");
            assertEquals(differing, copied);
            assertEquals(0, ResyncTest.metric(pair.primary, "twinblock_resync_checksum_start_region"));
            for (int i = 0; i < writes; i++) {
                long lba = (long) i * 37 * BLOCKS_PER_REGION + 5;
                assertArrayEquals(PairClient.pattern(lba, i, 4096),
                        ResyncTest.readInSync(pair.secondary, pair.primary, lba, 4096), "write " + i);
            }
            primaryImage = PairProcesses.image(pair.primary);
            secondaryImage = PairProcesses.image(pair.secondary);
            assertEquals(0, pair.primary.stop());
            assertEquals(0, pair.secondary.stop());
        }
        assertEquals(-1L, Files.mismatch(primaryImage, secondaryImage));
    }

    @Test
    void aChecksumResyncInterruptedByTheSecondarysCrashResumesWhereItStopped() throws Exception {
        Path primaryImage;
        Path secondaryImage;
        // 4 MiB/s: one batch of 64 regions a second, so the scan is surely caught in the middle.
        try (ResyncTest.Pair pair = new ResyncTest.Pair("--resync.max-rate=4M")) {
            try (PairClient host = PairClient.login(pair.primary, "iqn.2026-01.net.twinblock.it:before")) {
                host.write(3, PairClient.pattern(3, 99, 4096), true);
            }
            pair.proxy.cut();
            await("primary degraded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
            try (PairClient host = PairClient.login(pair.primary, "iqn.2026-01.net.twinblock.it:outage")) {
                for (int i = 0; i < 16; i++) {
                    long lba = (long) i * 64 * BLOCKS_PER_REGION + 9; // one write per 4 MiB
                    host.write(lba, PairClient.pattern(lba, i, 4096), true);
                }
            }
            pair.restartPrimary();
            pair.proxy.restore();
            await("checksum resync a quarter done").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ResyncTest.metric(pair.primary, "twinblock_resync_checksum_regions_done") >= 256);
            long before = ResyncTest.metric(pair.primary, "twinblock_resync_checksum_regions_done");
            assertTrue(before < 1024, "the scan finished before the crash: " + before);
            pair.killAndRestartSecondary();
            ResyncTest.awaitInSync(pair.primary, pair.secondary);

            long resumedAt = ResyncTest.metric(pair.primary, "twinblock_resync_checksum_start_region");
            System.out.println("checksum resync: interrupted at region >= " + before + ", resumed at " + resumedAt);
            assertTrue(resumedAt >= 256 && resumedAt <= before + 64, "resumed at " + resumedAt + ", was at " + before);
            assertTrue(pair.primary.logText().contains("(resumed)"), pair.primary.logTail(20));
            primaryImage = PairProcesses.image(pair.primary);
            secondaryImage = PairProcesses.image(pair.secondary);
            assertEquals(0, pair.primary.stop());
            assertEquals(0, pair.secondary.stop());
        }
        assertEquals(-1L, Files.mismatch(primaryImage, secondaryImage));
    }
}
