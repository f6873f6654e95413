package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The guarantee a failover rests on: the primary dies by SIGKILL in the middle of a stream of
 * writes, the secondary is promoted with the command an administrator would type, and every
 * write the host was told GOOD for reads back from the promoted node, block for block.
 */
class PairFailoverTest {

    private static final int BLOCK = PairClient.BLOCK;
    /** Enough acknowledged writes before the kill that the stream is surely in full flow. */
    private static final int WRITES_BEFORE_KILL = 400;

    /** One write the host got GOOD for. */
    private record Acked(long lba, long seq, int length) {
    }

    @Test
    void everyWriteAcknowledgedBeforeThePrimaryIsKilledReadsBackFromThePromotedSecondary() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> writerEnd = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                // Each write goes to blocks no other write touches, so a block holds exactly one
                // write's pattern or zeros: a write in flight at the kill may land or not, both fine.
                long lba = 0;
                long seq = 0;
                try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:failover")) {
                    while (lba < PairClient.LUN_BYTES / BLOCK - 256) {
                        seq++;
                        int length = seq % 10 == 0 ? 64 * 1024 : 4096; // mostly small, some large writes
                        host.write(lba, PairClient.pattern(lba, seq, length), seq % 13 == 0);
                        acked.add(new Acked(lba, seq, length));
                        lba += length / BLOCK;
                    }
                    writerEnd.set(new AssertionError("the writer ran out of LUN before the kill"));
                } catch (IOException | RuntimeException e) {
                    writerEnd.set(e); // expected: the primary died under it
                }
            }, "failover-writer");
            writer.setDaemon(true);
            writer.start();
            try {
                await("writes flowing").atMost(Duration.ofSeconds(60))
                        .until(() -> acked.size() >= WRITES_BEFORE_KILL || !writer.isAlive());
                assertTrue(writer.isAlive(), () -> "the writer stopped early: " + writerEnd.get());

                PairProcesses.kill(pair.primary());
                writer.join(Duration.ofSeconds(60).toMillis());
                assertTrue(!writer.isAlive(), "the writer did not notice the primary's death within 60 s");
            } finally {
                writer.interrupt();
            }
            List<Acked> toCheck = new ArrayList<>(acked);

            // The secondary notices the link is gone; promotion is then allowed.
            await("secondary sees its primary gone").atMost(Duration.ofSeconds(30))
                    .until(() -> "connecting".equals(PairProcesses.mirrorState(pair.secondary())));
            ToolResult promoted = PairProcesses.promote(pair.secondary());
            assertEquals(0, promoted.exitCode(), promoted.describe());
            assertTrue(promoted.stdout().contains("\"result\": \"promoted\""), promoted.describe());
            assertEquals("primary", PairProcesses.mirrorRole(pair.secondary()));

            int checked = 0;
            try (PairClient host = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:after-failover")) {
                for (Acked w : toCheck) {
                    byte[] back = host.read(w.lba(), w.length());
                    byte[] expected = PairClient.pattern(w.lba(), w.seq(), w.length());
                    if (!Arrays.equals(expected, back)) {
                        fail("acknowledged write #" + w.seq() + " (" + w.length() + " bytes at LBA " + w.lba()
                                + ") is not on the promoted secondary; " + checked + " of " + toCheck.size()
                                + " checked before it were");
                    }
                    checked++;
                }
            }
            System.out.println("failover: " + checked + " writes acknowledged before SIGKILL of the primary, all "
                    + "read back from the promoted secondary (writer ended with: " + writerEnd.get() + ")");
            assertTrue(checked >= WRITES_BEFORE_KILL, "only " + checked + " writes checked");
        }
    }

    @Test
    void theKilledPrimaryRejoinsAsSecondaryAndBothEndIdentical() throws Exception {
        byte[] before = PairClient.pattern(100, 1, 256 * 1024);
        byte[] after = PairClient.pattern(5000, 2, 64 * 1024);
        java.nio.file.Path newPrimaryImage;
        java.nio.file.Path rejoinedImage;
        try (PairProcesses pair = PairProcesses.start()) {
            try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:rejoin")) {
                host.write(100, before, true);
            }
            PairProcesses.kill(pair.primary());
            await("secondary sees its primary gone").atMost(Duration.ofSeconds(30))
                    .until(() -> "connecting".equals(PairProcesses.mirrorState(pair.secondary())));
            ToolResult promoted = PairProcesses.promote(pair.secondary());
            assertEquals(0, promoted.exitCode(), promoted.describe());

            // The old primary comes back as the secondary of the promoted node: it is behind (an
            // older data generation), so it takes a full copy before the pair is in sync again.
            NodeProcess rejoined = pair.rejoinFirstPrimaryAsSecondary();
            assertEquals("secondary", PairProcesses.mirrorRole(rejoined));
            assertEquals("primary", PairProcesses.mirrorRole(pair.secondary()));
            try (PairClient host = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:rejoin")) {
                host.write(5000, after, true);
                assertTrue(Arrays.equals(before, host.read(100, before.length)));
            }
            try (PairClient reader = PairClient.login(rejoined, "iqn.2026-01.net.twinblock.it:rejoin-reader")) {
                assertTrue(Arrays.equals(before, reader.read(100, before.length)), "copied write missing");
                assertTrue(Arrays.equals(after, reader.read(5000, after.length)), "mirrored write missing");
            }
            newPrimaryImage = PairProcesses.image(pair.secondary());
            rejoinedImage = PairProcesses.image(rejoined);
            assertEquals(0, rejoined.stop());
            assertEquals(0, pair.secondary().stop());
        }
        assertEquals(-1L, java.nio.file.Files.mismatch(newPrimaryImage, rejoinedImage));
    }

    @Test
    void promotionIsRefusedWhileThePrimaryIsConnected() {
        try (PairProcesses pair = PairProcesses.start()) {
            ToolResult refused = PairProcesses.promote(pair.secondary());
            assertEquals(1, refused.exitCode(), refused.describe());
            assertTrue(refused.stderr().startsWith("promote refused: "), refused.describe());
            assertTrue(refused.stderr().contains("still connected"), refused.describe());
            assertEquals("secondary", PairProcesses.mirrorRole(pair.secondary()));
            assertEquals("in_sync", PairProcesses.mirrorState(pair.secondary()));
        }
    }
}
