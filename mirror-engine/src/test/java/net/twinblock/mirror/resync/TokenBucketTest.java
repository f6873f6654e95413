package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A fake clock: the bucket's arithmetic, not the machine's speed. */
class TokenBucketTest {

    private static final long MS = 1_000_000;

    @Test
    void burstGoesAtOnceThenTheRateHolds() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(1_000_000, 100_000, now::get); // 1 MB/s, 100 kB burst
        assertEquals(0, bucket.reserve(100_000));
        assertEquals(100 * MS, bucket.reserve(100_000), "100 kB more at 1 MB/s is 100 ms");
        now.addAndGet(100 * MS);
        assertEquals(100 * MS, bucket.reserve(100_000), "the debt was paid off; the next 100 kB waits again");
    }

    @Test
    void idleTimeRefillsOnlyUpToTheBurst() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(1_000_000, 50_000, now::get);
        bucket.reserve(50_000);
        now.addAndGet(10_000 * MS); // ten idle seconds are worth 10 MB, but the bucket holds 50 kB
        assertEquals(0, bucket.reserve(50_000));
        assertEquals(50 * MS, bucket.reserve(50_000));
    }

    @Test
    void averageRateOverManyReadsIsTheLimit() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(4_000_000, 0, now::get);
        long bytes = 0;
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(bucket.reserve(65_536)); // wait as told, then read
            bytes += 65_536;
        }
        double seconds = now.get() / 1e9;
        assertEquals(4_000_000, bytes / seconds, 4_000_000 * 0.01);
    }

    @Test
    void zeroMeansUnlimitedAndNegativeIsRefused() {
        assertEquals(0, TokenBucket.unlimited().reserve(Long.MAX_VALUE / 2));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(-1, 0));
    }
}
