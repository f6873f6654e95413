package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What makes the predictive record cheap (DESIGN section 5): once a host's working set fits in
 * the record, its writes are hits and cost no record update, so the record adds nothing to the
 * write path. Measured from the primary's /metrics, as an operator would.
 */
class RecordHitRateTest {

    private static final int BLOCK = PairClient.BLOCK;
    private static final int EXTENT = 4 * 1024 * 1024; // record.extent-size default
    /** 64 MiB = 16 extents, far below the default record.capacity of 1024 extents. */
    private static final long WORKING_SET = 64L * 1024 * 1024;
    private static final long WORKING_SET_LBA = 32L * 1024 * 1024 / BLOCK;
    private static final int WARM_UP_WRITES = 500;
    private static final int MEASURED_WRITES = 4000;

    @Test
    void randomWritesOverAWorkingSetSmallerThanTheRecordAlmostNeverUpdateIt() throws Exception {
        try (PairProcesses pair = PairProcesses.startWithLun("256M");
             PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:record-hits")) {
            Random random = new Random(1024);
            long seq = 0;
            // Warm-up: every extent of the working set once, then random writes like the measured ones.
            for (long off = 0; off < WORKING_SET; off += EXTENT) {
                long lba = WORKING_SET_LBA + off / BLOCK;
                host.write(lba, PairClient.pattern(lba, ++seq, 4096), false);
            }
            for (int i = 0; i < WARM_UP_WRITES; i++) {
                long lba = randomSlot(random);
                host.write(lba, PairClient.pattern(lba, ++seq, 4096), false);
            }
            long hostWritesBefore = NodeMetrics.value(pair.primary(), "twinblock_record_host_writes_total");
            long recordWritesBefore = NodeMetrics.value(pair.primary(), "twinblock_record_writes_total");
            long missesBefore = NodeMetrics.value(pair.primary(), "twinblock_record_misses_total");

            for (int i = 0; i < MEASURED_WRITES; i++) {
                long lba = randomSlot(random);
                host.write(lba, PairClient.pattern(lba, ++seq, 4096), false);
            }

            long hostWrites = NodeMetrics.value(pair.primary(), "twinblock_record_host_writes_total") - hostWritesBefore;
            long recordWrites = NodeMetrics.value(pair.primary(), "twinblock_record_writes_total") - recordWritesBefore;
            long misses = NodeMetrics.value(pair.primary(), "twinblock_record_misses_total") - missesBefore;
            double per1000 = 1000.0 * recordWrites / hostWrites;
            System.out.println("record hit rate: " + hostWrites + " random 4 KiB host writes over a "
                    + WORKING_SET / (1024 * 1024) + " MiB working set after warm-up: " + misses + " misses, "
                    + recordWrites + " record writes = " + per1000 + " per 1000 host writes");
            assertEquals(MEASURED_WRITES, hostWrites, "the record did not see every host write");
            assertTrue(per1000 < 1.0, recordWrites + " record writes for " + hostWrites
                    + " host writes over a working set the record holds: " + per1000 + " per 1000, expected < 1");
        }
    }

    /** A 4 KiB-aligned LBA inside the working set. */
    private static long randomSlot(Random random) {
        return WORKING_SET_LBA + random.nextLong(WORKING_SET / 4096) * (4096 / BLOCK);
    }
}
