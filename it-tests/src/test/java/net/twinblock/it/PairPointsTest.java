package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Consistency points between real node processes (DESIGN section 6, cp.enabled): a host writing
 * across many points leaves two identical images with most blocks applied on the secondary by
 * reference to its journal and no more than 5 % more bytes on the link than the host wrote; a
 * secondary SIGKILLed while points arrive replays from its last recorded point and ends identical.
 */
class PairPointsTest {

    private static final int BLOCK = PairClient.BLOCK;
    private static final String[] POINTS = {"--cp.enabled=true", "--cp.interval=100ms"};

    private static double metric(NodeProcess node, String series) {
        return PairProcesses.metric(node, series).orElseThrow(() -> new AssertionError("no " + series));
    }

    /** 4 KiB writes over an 8 MiB area (rewritten across points), 512-byte ones inside blocks, 64 KiB ones. */
    private static void write(PairClient host, Random random, byte[] model, long seq) throws Exception {
        int kind = random.nextInt(10);
        int length = kind == 0 ? BLOCK : kind == 1 ? 64 * 1024 : 4096;
        long lba = kind == 0 ? random.nextInt(16384) : random.nextInt(2048 - length / 4096) * 8L;
        byte[] data = PairClient.pattern(lba, seq, length);
        host.write(lba, data, false);
        System.arraycopy(data, 0, model, (int) (lba * BLOCK), length);
    }

    @Test
    void aWriterAcrossManyPointsLeavesIdenticalImagesMostlyByReference() throws Exception {
        byte[] model = new byte[(int) PairClient.LUN_BYTES];
        Path primaryImage;
        Path secondaryImage;
        try (PairProcesses pair = PairProcesses.start(POINTS)) {
            Random random = new Random(6);
            try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:points-host")) {
                for (int i = 0; i < 1500; i++) {
                    write(host, random, model, i);
                    if (i % 300 == 299) {
                        host.synchronizeCache(); // a host flush takes a point too
                    }
                }
                host.synchronizeCache();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> metric(pair.secondary(), "twinblock_journal_points_total")
                    == metric(pair.primary(), "twinblock_cp_points_sent_total"));
            double points = metric(pair.secondary(), "twinblock_journal_points_total");
            double byReference = metric(pair.secondary(), "twinblock_journal_referenced_blocks_total");
            double partial = metric(pair.primary(), "twinblock_cp_partial_blocks_total");
            double perHostByte = metric(pair.primary(), "twinblock_mirror_link_bytes_total")
                    / metric(pair.primary(), "twinblock_mirror_host_written_bytes_total");
            System.out.printf("points %.0f, blocks by reference %.0f, partial %.0f, link bytes per host byte %.4f%n",
                    points, byReference, partial, perHostByte);
            assertTrue(points >= 5, "points applied: " + points);
            assertTrue(byReference > 4 * partial, byReference + " blocks by reference, " + partial + " partial");
            assertTrue(perHostByte <= 1.05, "link bytes per host byte " + perHostByte);
            primaryImage = PairProcesses.image(pair.primary());
            secondaryImage = PairProcesses.image(pair.secondary());
            assertEquals(0, pair.primary().stop());
            assertEquals(0, pair.secondary().stop());
        }
        assertEquals(-1L, Files.mismatch(primaryImage, secondaryImage), "the images differ");
        assertEquals(-1, Arrays.mismatch(model, Files.readAllBytes(primaryImage)), "not what was written");
    }

    @Test
    void aSecondaryKilledWhilePointsArriveReplaysAndEndsIdentical() throws Exception {
        byte[] model = new byte[(int) PairClient.LUN_BYTES];
        Path primaryImage;
        Path secondaryImage;
        // Writes go on alone while the secondary restarts; it catches up by the record and the bitmap.
        try (PairProcesses pair = PairProcesses.start("--cp.enabled=true", "--cp.interval=20ms",
                "--mirror.on-peer-loss=continue")) {
            AtomicBoolean stop = new AtomicBoolean();
            try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:points-kill")) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    Random random = new Random(9);
                    try {
                        for (long seq = 0; !stop.get(); seq++) {
                            write(host, random, model, seq);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> metric(pair.secondary(), "twinblock_journal_points_total") >= 20);
                PairProcesses.kill(pair.secondary()); // points arrive every 20 ms: most likely in one
                pair.restartSecondary();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> metric(pair.secondary(), "twinblock_journal_points_total") >= 5);
                stop.set(true);
                writer.get(120, TimeUnit.SECONDS);
                host.synchronizeCache();
            }
            primaryImage = PairProcesses.image(pair.primary());
            secondaryImage = PairProcesses.image(pair.secondary());
            assertEquals(0, pair.primary().stop());
            assertEquals(0, pair.secondary().stop());
        }
        assertEquals(-1L, Files.mismatch(primaryImage, secondaryImage), "the images differ");
        assertEquals(-1, Arrays.mismatch(model, Files.readAllBytes(primaryImage)), "not what was written");
    }
}
