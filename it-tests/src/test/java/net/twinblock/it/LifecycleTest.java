package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Test;

/** Stopping and starting a node: SIGTERM while writes are in flight, then the data after a restart. */
class LifecycleTest {
    private static final int BLOCK = 512;
    private static final long LUN_BLOCKS = 64L * 1024 * 1024 / BLOCK;
    private static final String INITIATOR = "iqn.2026-01.net.twinblock.it:lifecycle";

    @Test
    void sigtermDuringWritesExitsZeroAndEveryAcknowledgedWriteSurvivesARestart() throws Exception {
        Map<Long, byte[]> acknowledged = new ConcurrentHashMap<>();
        AtomicReference<Throwable> writerEnd = new AtomicReference<>();
        NodeProcess node = NodeProcess.start();
        int exitCode;
        try (node) {
            Thread writer = new Thread(() -> {
                try (IscsiConnection c = IscsiConnection.login(node.iscsiPort(), INITIATOR, node.iqn())) {
                    c.awaitUnitReady(0);
                    // 8-block aligned writes scattered over the whole LUN, each with its own content. The
                    // stride visits 16383 distinct slots before it repeats, so the one write in flight at
                    // SIGTERM (which may or may not land) never overlaps an acknowledged one.
                    for (long i = 0; i < 16000; i++) {
                        long lba = (i * 7919 * 8) % (LUN_BLOCKS - 8);
                        byte[] data = pattern(lba, i, 8 * BLOCK);
                        ScsiResult r = c.write16(0, lba, data, BLOCK, false);
                        if (!r.good()) {
                            throw new AssertionError("write at LBA " + lba + " failed: " + r);
                        }
                        acknowledged.put(lba, data);
                    }
                    while (true) {
                        c.receive(); // idle (answering pings) until the node goes away
                    }
                } catch (Throwable t) {
                    writerEnd.set(t);
                }
            }, "lifecycle-writer");
            writer.setDaemon(true);
            writer.start();
            await("writes acknowledged").atMost(Duration.ofSeconds(60))
                    .until(() -> acknowledged.size() >= 200 || writerEnd.get() != null);
            assertEquals(null, writerEnd.get(), "writer stopped before SIGTERM");

            exitCode = node.stop();
            writer.join(Duration.ofSeconds(40).toMillis());
            assertTrue(!writer.isAlive(), "writer still blocked after the node exited");
        }
        assertEquals(0, exitCode, () -> "exit code after SIGTERM; log tail:\n" + node.logTail(30));
        // The writer must have ended because the connection went away, not because a write failed.
        assertTrue(writerEnd.get() instanceof IOException, () -> "writer ended with " + writerEnd.get());
        String log = node.logText().toLowerCase(Locale.ROOT);
        assertTrue(log.contains("stopping"), () -> "log should say it is stopping:\n" + node.logTail(30));
        assertTrue(log.contains("stopped"), () -> "log should say it stopped:\n" + node.logTail(30));

        try (NodeProcess again = NodeProcess.builder().dataDir(node.dataDir()).start();
             IscsiConnection c = IscsiConnection.login(again.iscsiPort(), INITIATOR, again.iqn())) {
            c.awaitUnitReady(0);
            for (Map.Entry<Long, byte[]> w : acknowledged.entrySet()) {
                ScsiResult r = c.read16(0, w.getKey(), 8, BLOCK);
                assertTrue(r.good(), r::toString);
                assertArrayEquals(w.getValue(), r.data(), "acknowledged write at LBA " + w.getKey() + " lost");
            }
        }
    }

    @Test
    void dataWrittenBeforeACleanStopIsReadBackAfterRestart() throws IOException {
        byte[] first = pattern(0, 1, 64 * 1024);
        byte[] last = pattern(LUN_BLOCKS - 1, 2, BLOCK);
        NodeProcess node = NodeProcess.start();
        try (node; IscsiConnection c = IscsiConnection.login(node.iscsiPort(), INITIATOR, node.iqn())) {
            c.awaitUnitReady(0);
            assertTrue(c.write16(0, 0, first, BLOCK, false).good());
            assertTrue(c.write16(0, LUN_BLOCKS - 1, last, BLOCK, true).good());
            c.logout();
            assertEquals(0, node.stop());
        }
        try (NodeProcess again = NodeProcess.builder().dataDir(node.dataDir()).start();
             IscsiConnection c = IscsiConnection.login(again.iscsiPort(), INITIATOR, again.iqn())) {
            c.awaitUnitReady(0);
            assertArrayEquals(first, c.read16(0, 0, first.length / BLOCK, BLOCK).data());
            assertArrayEquals(last, c.read16(0, LUN_BLOCKS - 1, 1, BLOCK).data());
        }
    }

    /** Content that names its own LBA and write number, so a misplaced or stale block is visible. */
    static byte[] pattern(long lba, long seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        long x = lba * 0x9E3779B97F4A7C15L ^ seq;
        while (b.remaining() >= 8) {
            b.putLong(x);
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return b.array();
    }
}
