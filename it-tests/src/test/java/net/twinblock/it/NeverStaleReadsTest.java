package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Test;

/**
 * Multipath reads through the secondary never go back in time (DESIGN section 4): a host writes
 * version-stamped blocks through the primary while another reads the same blocks through the
 * secondary. Every read must return, for each block, a version at least as new as the newest one
 * acknowledged for that block before the read was sent — whether the secondary served the read
 * at once (extent not in the record) or after asking the primary (extent recorded).
 */
class NeverStaleReadsTest {

    private static final int BLOCK = PairClient.BLOCK;
    /** The hot range both hosts hammer: 64 blocks inside one record extent. */
    private static final long HOT_LBA = 8192;
    private static final int HOT_BLOCKS = 64;
    /** Never written: its extent never enters the record, so reads of it are local. */
    private static final long FAR_LBA = 100_000;
    private static final int READS = 4000;
    private static final Duration BUDGET = Duration.ofSeconds(120);

    /** A block stamped with its LBA and a version; the rest depends on both, so a torn block shows. */
    static byte[] stamp(long lba, long version) {
        byte[] b = PairClient.pattern(lba, version, BLOCK);
        ByteBuffer.wrap(b).putLong(0, lba).putLong(8, version);
        return b;
    }

    @Test
    void readsThroughTheSecondaryNeverReturnAVersionOlderThanOneAlreadyAcknowledged() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            AtomicLongArray acked = new AtomicLongArray(HOT_BLOCKS);
            AtomicLong issued = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();

            Thread writer = new Thread(() -> {
                Random random = new Random(4);
                try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:stale-writer")) {
                    while (!stop.get()) {
                        int blocks = 1 + random.nextInt(4);
                        int first = random.nextInt(HOT_BLOCKS - blocks + 1);
                        long version = issued.incrementAndGet();
                        byte[] data = new byte[blocks * BLOCK];
                        for (int i = 0; i < blocks; i++) {
                            System.arraycopy(stamp(HOT_LBA + first + i, version), 0, data, i * BLOCK, BLOCK);
                        }
                        host.write(HOT_LBA + first, data, false);
                        for (int i = 0; i < blocks; i++) {
                            acked.accumulateAndGet(first + i, version, Math::max);
                        }
                        writes.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    writerFailure.set(e);
                }
            }, "stale-writer");
            writer.setDaemon(true);
            writer.start();

            List<String> failed = new ArrayList<>();
            long retried = 0;
            ConcurrentLinkedQueue<String> stale = new ConcurrentLinkedQueue<>();
            long hotReads = 0;
            long farReads = 0;
            long newerThanFloor = 0;
            long deadline = System.nanoTime() + BUDGET.toNanos();
            try (PairClient reader = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:stale-reader")) {
                await("writes flowing").atMost(Duration.ofSeconds(30))
                        .until(() -> writes.get() >= 50 || writerFailure.get() != null);
                Random random = new Random(12);
                for (int n = 0; n < READS && System.nanoTime() < deadline && writerFailure.get() == null; n++) {
                    if (n % 5 == 4) {
                        // Far, never-written blocks: zeros, served without asking the primary.
                        ScsiResult r = reader.connection().read16(0, FAR_LBA + random.nextInt(1024), 8, BLOCK);
                        if (!r.good()) {
                            String f = failure(pair, "far read", r);
                            if (f == null) {
                                retried++;
                            } else {
                                failed.add(f);
                            }
                        } else if (r.data().length != 8 * BLOCK || !isZero(r.data())) {
                            fail("a never-written far range did not read as zeros: " + r);
                        } else {
                            farReads++;
                        }
                        continue;
                    }
                    int blocks = 1 + random.nextInt(8);
                    int first = random.nextInt(HOT_BLOCKS - blocks + 1);
                    long[] floor = new long[blocks];
                    for (int i = 0; i < blocks; i++) {
                        floor[i] = acked.get(first + i); // before the read is sent
                    }
                    ScsiResult r = reader.connection().read16(0, HOT_LBA + first, blocks, BLOCK);
                    if (!r.good()) {
                        String f = failure(pair, "hot read", r);
                        if (f == null) {
                            retried++;
                        } else {
                            failed.add(f);
                        }
                        continue;
                    }
                    assertEquals(blocks * BLOCK, r.data().length, "short read: " + r);
                    long ceiling = issued.get();
                    ByteBuffer data = ByteBuffer.wrap(r.data());
                    for (int i = 0; i < blocks; i++) {
                        long lba = HOT_LBA + first + i;
                        long version = data.getLong(i * BLOCK + 8);
                        byte[] block = Arrays.copyOfRange(r.data(), i * BLOCK, (i + 1) * BLOCK);
                        boolean wellFormed = version == 0 ? isZero(block)
                                : version <= ceiling && Arrays.equals(stamp(lba, version), block);
                        if (!wellFormed) {
                            fail("LBA " + lba + " read through the secondary holds neither zeros nor one whole"
                                    + " stamped write (version field " + version + ", newest issued " + ceiling + ")");
                        }
                        if (version < floor[i]) {
                            stale.add("LBA " + lba + ": read version " + version + " after version " + floor[i]
                                    + " was acknowledged");
                        } else if (version > floor[i]) {
                            newerThanFloor++;
                        }
                    }
                    hotReads++;
                }
            } finally {
                stop.set(true);
                writer.join(Duration.ofSeconds(30).toMillis());
            }
            if (writerFailure.get() != null) {
                throw new AssertionError("the writer through the primary failed", writerFailure.get());
            }
            long local = NodeMetrics.value(pair.secondary(), "twinblock_record_reads_local_total");
            long queried = NodeMetrics.value(pair.secondary(), "twinblock_record_reads_after_status_query_total");
            long queryFailures = NodeMetrics.value(pair.secondary(), "twinblock_record_status_query_failures_total");
            System.out.println("never-stale reads: " + writes.get() + " writes via the primary, " + hotReads
                    + " hot and " + farReads + " far reads via the secondary (" + newerThanFloor + " blocks newer than"
                    + " the acknowledged floor: writes in flight), " + retried + " retryable failures while not in sync; secondary"
                    + " metrics: reads_local=" + local + " reads_after_status_query=" + queried
                    + " status_query_failures=" + queryFailures);
            assertTrue(stale.isEmpty(), () -> stale.size() + " stale reads through the secondary, first: "
                    + stale.peek());
            assertTrue(failed.isEmpty(), () -> failed.size() + " reads through the secondary failed, first: "
                    + failed.get(0));
            assertTrue(hotReads >= 1000, "only " + hotReads + " hot reads ran within " + BUDGET);
            assertTrue(writes.get() >= 1000, "only " + writes.get() + " writes ran alongside the reads");
            assertEquals(farReads, local, "every far read, outside any recorded extent, is served locally once");
            // Exactly once each: a read that passed the gate twice would ask the primary twice.
            assertEquals(hotReads, queried, "every read of the hot, recorded extent asks the primary exactly once");
        }
    }

    /**
     * Sorts a failed read: a retryable sense (NOT READY, UNIT ATTENTION, ABORTED COMMAND: multipath
     * retries it, maybe on the primary) is allowed only while the pair is not in sync; anything
     * else is a failure. Returns the failure's description, or null if it is allowed.
     */
    private static String failure(PairProcesses pair, String what, ScsiResult r) {
        int key = r.senseKey();
        boolean retryableSense = r.response() == 0 && (key == 0x2 || key == 0x6 || key == 0xb);
        String state = PairProcesses.mirrorState(pair.secondary());
        if (retryableSense && !"in_sync".equals(state)) {
            return null;
        }
        return what + " failed while the secondary was " + state + ": " + r;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
