package net.twinblock.mirror.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PredictorTest {

    private static final long MIB = 1 << 20;
    private static final long EXTENT = 4 * MIB;

    private static List<Extent> extents(long... indexes) {
        return java.util.Arrays.stream(indexes).mapToObj(Extent::new).toList();
    }

    @Test
    void sequentialStreamEnteringTheNextExtentPredictsItsSuccessors() {
        Predictor p = new Predictor(EXTENT, 2, 1000);
        assertEquals(List.of(), p.onWrite(EXTENT - 128 * 1024, 128 * 1024), "a first write is no stream yet");
        assertEquals(extents(2, 3), p.onWrite(EXTENT, 128 * 1024), "continues at the end: extent 1, predicts 2 and 3");
        assertEquals(extents(2, 3), p.onWrite(EXTENT + 128 * 1024, 128 * 1024));
    }

    @Test
    void aSmallGapStillContinuesTheStreamButOverlapOrALargeGapDoesNot() {
        Predictor p = new Predictor(EXTENT, 1, 1000);
        p.onWrite(0, 4096);
        assertEquals(extents(1), p.onWrite(4096 + Predictor.MAX_GAP, 4096), "just after the end");
        Predictor q = new Predictor(EXTENT, 1, 1000);
        q.onWrite(0, 8192);
        assertEquals(List.of(), q.onWrite(4096, 4096), "a rewrite inside the last range is not sequential");
        assertEquals(List.of(), q.onWrite(8192 + Predictor.MAX_GAP + 4096, 4096), "too far past the end");
    }

    @Test
    void randomWritesPredictNothing() {
        Predictor p = new Predictor(EXTENT, 2, 1 << 20);
        Random rnd = new Random(7);
        int predicted = 0;
        for (int i = 0; i < 10_000; i++) {
            long block = rnd.nextLong(1L << 30); // 4 TiB of 4 KiB blocks
            predicted += p.onWrite(block * 4096, 4096).size();
        }
        assertEquals(0, predicted);
    }

    @Test
    void followsSeveralInterleavedStreams() {
        Predictor p = new Predictor(EXTENT, 1, 1000);
        long[] streams = {0, 100 * EXTENT, 200 * EXTENT};
        for (long s : streams) {
            p.onWrite(s, MIB);
        }
        for (long s : streams) {
            assertEquals(extents(s / EXTENT + 1), p.onWrite(s + MIB, MIB), "stream at " + s);
        }
    }

    @Test
    void aStreamGivesWayToNewOnesWhenTooManyRunAtOnce() {
        Predictor p = new Predictor(EXTENT, 1, 10_000);
        p.onWrite(0, 4096);
        for (int i = 1; i <= Predictor.STREAMS; i++) {
            p.onWrite(i * 100 * EXTENT, 4096); // each starts a stream and pushes out the oldest
        }
        assertEquals(List.of(), p.onWrite(4096, 4096), "the first stream was forgotten");
    }

    @Test
    void neverPredictsPastTheEndOfTheVolume() {
        Predictor p = new Predictor(EXTENT, 4, 10);
        p.onWrite(8 * EXTENT - 4096, 4096);
        assertEquals(extents(9), p.onWrite(8 * EXTENT, 4096), "extent 9 is the last of 10");
        assertTrue(p.onWrite(9 * EXTENT, 4096).isEmpty());
    }

    @Test
    void writesSpanningExtentsPredictAfterTheirLastExtent() {
        Predictor p = new Predictor(EXTENT, 2, 1000);
        p.onWrite(0, 2 * MIB);
        assertEquals(extents(3, 4), p.onWrite(2 * MIB, 8 * MIB), "covers extents 0..2");
    }
}
