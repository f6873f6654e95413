package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutageBitmapTest {

    private static final int KIB64 = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void aWriteMarksEveryRegionItTouchesAndNoOther() {
        OutageBitmap bitmap = new OutageBitmap(100L * KIB64, KIB64);
        bitmap.markChanged(100, 512);                 // inside region 0
        bitmap.markChanged(3L * KIB64 - 512, 1024);   // straddles regions 2 and 3
        bitmap.markChanged(10L * KIB64, KIB64);       // exactly region 10
        assertEquals(List.of(0L, 2L, 3L, 10L), marked(bitmap));
        assertEquals(4, bitmap.markedCount());
        assertEquals(4L * KIB64, bitmap.markedBytes());
    }

    @Test
    void markingTwiceCountsOnce() {
        OutageBitmap bitmap = new OutageBitmap(10L * KIB64, KIB64);
        bitmap.markChanged(0, 4096);
        bitmap.markChanged(4096, 4096);
        bitmap.markChanged(0, 2L * KIB64);
        assertEquals(2, bitmap.markedCount());
    }

    @Test
    void rangesAcrossWordBoundariesAndTheShortLastRegion() {
        long size = 200L * 4096 + 512; // 201 regions of 4 KiB, the last one 512 bytes
        OutageBitmap bitmap = new OutageBitmap(size, 4096);
        assertEquals(201, bitmap.regionCount());
        assertEquals(512, bitmap.regionLength(200));
        bitmap.markChanged(60L * 4096, 10L * 4096);   // regions 60..69 across the first word boundary
        bitmap.markChanged(size - 512, 512);          // the last region
        assertEquals(11, bitmap.markedCount());
        assertEquals(10L * 4096 + 512, bitmap.markedBytes());
        assertEquals(60, bitmap.nextMarked(0));
        assertEquals(64, bitmap.nextMarked(64));
        assertEquals(200, bitmap.nextMarked(70));
        assertEquals(-1, bitmap.nextMarked(201));
    }

    @Test
    void markAllCoversTheVolumeExactly() {
        OutageBitmap bitmap = new OutageBitmap(130L * 4096 + 4096 / 2, 4096);
        bitmap.markAll();
        assertEquals(131, bitmap.markedCount());
        assertEquals(130L * 4096 + 2048, bitmap.markedBytes());
        assertEquals(-1, bitmap.nextMarked(131));
    }

    @Test
    void clearingHandsARegionToExactlyOneCaller() {
        OutageBitmap bitmap = new OutageBitmap(10L * KIB64, KIB64);
        bitmap.markRegion(5);
        assertTrue(bitmap.clearRegion(5));
        assertFalse(bitmap.clearRegion(5));
        assertEquals(0, bitmap.markedCount());
        assertFalse(bitmap.isMarked(5));
    }

    @Test
    void asTheMirroredVolumesTrackerItSaysWhetherAnythingChangedAndForgetsOnClear() {
        DivergenceTracker tracker = new OutageBitmap(200L * 4096, 4096);
        assertFalse(tracker.anyChanged());
        tracker.markChanged(4096, 70L * 4096);
        assertTrue(tracker.anyChanged());
        tracker.clear();
        assertFalse(tracker.anyChanged());
        assertEquals(0, ((OutageBitmap) tracker).markedCount());
        assertEquals(-1, ((OutageBitmap) tracker).nextMarked(0));
    }

    @Test
    void concurrentWritersLoseNoMark() throws Exception {
        long size = 4096L * 4096;
        OutageBitmap bitmap = new OutageBitmap(size, 4096);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<BitSet>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int seed = t;
            results.add(pool.submit(() -> {
                Random rnd = new Random(seed);
                BitSet mine = new BitSet();
                for (int i = 0; i < 20_000; i++) {
                    long offset = (long) rnd.nextInt((int) (size / 512)) * 512;
                    long length = Math.min(size - offset, 512L * (1 + rnd.nextInt(40)));
                    bitmap.markChanged(offset, length);
                    mine.set((int) (offset / 4096), (int) ((offset + length - 1) / 4096) + 1);
                }
                return mine;
            }));
        }
        BitSet expected = new BitSet();
        for (Future<BitSet> f : results) {
            expected.or(f.get());
        }
        pool.shutdown();
        assertEquals(expected.cardinality(), bitmap.markedCount());
        assertEquals(expected, BitSet.valueOf(bitmap.snapshot()));
    }

    @Test
    void rejectsRangesOutsideTheVolumeAndUnusableRegionSizes() {
        OutageBitmap bitmap = new OutageBitmap(10L * KIB64, KIB64);
        assertThrows(IllegalArgumentException.class, () -> bitmap.markChanged(10L * KIB64 - 512, 1024));
        assertThrows(IllegalArgumentException.class, () -> bitmap.markChanged(-512, 512));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OutageBitmap(KIB64, 3000));
        assertTrue(e.getMessage().contains("resync.region-size"), e.getMessage());
        bitmap.markChanged(0, 0); // an empty write changes nothing
        assertEquals(0, bitmap.markedCount());
    }

    @Test
    void savedBitmapLoadsBackAndDamageIsRecognised() throws IOException {
        OutageBitmap bitmap = new OutageBitmap(300L * 4096, 4096);
        bitmap.markChanged(0, 4096);
        bitmap.markChanged(77L * 4096, 3L * 4096);
        bitmap.markRegion(299);
        Path file = dir.resolve("outage.bitmap");
        assertNull(OutageBitmap.load(file, 300L * 4096, 4096));
        bitmap.save(file);

        OutageBitmap loaded = OutageBitmap.load(file, 300L * 4096, 4096);
        assertArrayEquals(bitmap.snapshot(), loaded.snapshot());
        assertEquals(5, loaded.markedCount());

        assertThrows(IOException.class, () -> OutageBitmap.load(file, 301L * 4096, 4096));
        byte[] bytes = Files.readAllBytes(file);
        bytes[20] ^= 1;
        Files.write(file, bytes);
        IOException damaged = assertThrows(IOException.class, () -> OutageBitmap.load(file, 300L * 4096, 4096));
        assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
    }

    private static List<Long> marked(OutageBitmap bitmap) {
        List<Long> regions = new ArrayList<>();
        for (long r = bitmap.nextMarked(0); r >= 0; r = bitmap.nextMarked(r + 1)) {
            regions.add(r);
        }
        return regions;
    }
}
