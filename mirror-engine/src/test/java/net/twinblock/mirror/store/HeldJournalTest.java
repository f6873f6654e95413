package net.twinblock.mirror.store;

import static net.twinblock.mirror.store.JournalTest.bytes;
import static net.twinblock.mirror.store.JournalTest.filled;
import static net.twinblock.mirror.store.JournalTest.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A secondary's journal that holds entries for consistency points: the volume is the last
 * point's image between points, a point resolves references from the journal, reads and a clean
 * stop see everything, and replay after a crash (also in the middle of a point) starts at the
 * recorded point.
 */
@ExtendWith(LeakGuard.class)
class HeldJournalTest extends JournalFixture {

    static final int BLOCK = 4096;

    private Journal held(FileVolume v) {
        return Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, true);
    }

    static ConsistencyPoint point(int number, long[] refs, long[] whole, byte[] data) {
        return new ConsistencyPoint(number, BLOCK, refs, whole, data);
    }

    /** Block 3 as the primary reads it after a 512-byte write of 'd' at 512 inside it. */
    private static byte[] partialBlock() {
        byte[] b = new byte[BLOCK];
        System.arraycopy(bytes(512, 'd'), 0, b, 512, 512);
        return b;
    }

    @Test
    void entriesWaitForAPointWhichTakesReferencedBlocksFromTheNewestTransfer() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 0, filled(2 * BLOCK, 'a'), false).get();
            j.write(2, 2 * BLOCK, filled(BLOCK, 'b'), false).get();
            j.write(3, 0, filled(BLOCK, 'c'), false).get();
            j.write(4, 3 * BLOCK + 512, filled(512, 'd'), false).get();
            assertArrayEquals(new byte[4 * BLOCK], image(0, 4 * BLOCK), "nothing reaches the volume before a point");

            j.point(point(1, new long[] {0, 1, 3, 1, 1, 1, 2, 1, 2}, new long[] {3}, partialBlock())).get();
            assertArrayEquals(bytes(BLOCK, 'c'), image(0, BLOCK));
            assertArrayEquals(bytes(BLOCK, 'a'), image(BLOCK, BLOCK));
            assertArrayEquals(bytes(BLOCK, 'b'), image(2 * BLOCK, BLOCK));
            assertArrayEquals(partialBlock(), image(3 * BLOCK, BLOCK));
            assertEquals(3, j.pointCounters().blocksByReference());
            assertEquals(1, j.pointCounters().blocksWhole());
            assertEquals(1, j.pointCounters().points());
            assertTrue(Files.exists(PointRecord.file(dir.resolve("lun0.img"))));
            j.close();
        }
    }

    /**
     * A held write keeps no buffer once appended: on the secondary its data is a slice of the link's
     * read buffer, and holding it until the point pinned that buffer (fresh memory for every read
     * of the link, a page fault every other 4K write). The point and a read take the bytes from
     * the journal, a large write in several pieces.
     */
    @Test
    void aHeldWriteLetsItsBufferGoOnceAppendedAndThePointReadsItFromTheJournal() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            io.netty.buffer.ByteBuf small = filled(BLOCK, 'a');
            io.netty.buffer.ByteBuf large = filled(80 * BLOCK, 'b'); // more than one piece of HeldReader's
            j.write(1, 0, small, false).get();
            j.write(2, 4 * BLOCK, large, false).get();
            assertEquals(0, small.refCnt(), "appended: the journal let the buffer go");
            assertEquals(0, large.refCnt());
            assertArrayEquals(new byte[BLOCK], image(0, BLOCK), "held: not on the volume");

            j.point(point(1, new long[] {0, 1, 1, 4, 80, 2}, new long[0], new byte[0])).get();
            assertArrayEquals(bytes(BLOCK, 'a'), image(0, BLOCK));
            assertArrayEquals(bytes(80 * BLOCK, 'b'), image(4 * BLOCK, 80 * BLOCK));
            assertEquals(81, j.pointCounters().blocksByReference());

            j.write(3, 100 * BLOCK, filled(BLOCK, 'c'), false).get();
            assertArrayEquals(bytes(BLOCK, 'c'), read(v, 100 * BLOCK, BLOCK), "a read of a held range, from the journal");
            j.close();
        }
    }

    @Test
    void aReadOfAHeldRangeSeesItAndOtherReadsLeaveTheVolumeAtThePoint() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 8 * BLOCK, filled(BLOCK, 'x'), false).get();
            assertArrayEquals(new byte[BLOCK], read(v, 0, BLOCK));
            assertArrayEquals(new byte[BLOCK], image(8 * BLOCK, BLOCK), "a read elsewhere applied nothing");
            assertArrayEquals(bytes(BLOCK, 'x'), read(v, 8 * BLOCK, BLOCK), "never stale");
            j.close();
        }
    }

    @Test
    void aPowerCutBetweenPointsLeavesThePointsImageAndReplayAddsTheRest() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 0, filled(BLOCK, 'a'), false).get();
            j.point(point(1, new long[] {0, 1, 1}, new long[0], new byte[0])).get();
            j.write(2, 0, filled(BLOCK, 'b'), false).get();
            j.write(3, BLOCK, filled(BLOCK, 'c'), false).get();
            j.flush().get(); // the host's SYNCHRONIZE CACHE: durable in the journal, not on the volume
            files.powerCut();
            j.close(); // writes nothing (the files are gone with the power), lets the held buffers go
        }
        assertArrayEquals(bytes(BLOCK, 'a'), image(0, BLOCK), "the volume is point 1's image");
        assertArrayEquals(new byte[BLOCK], image(BLOCK, BLOCK));
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            assertEquals(2, j.replayed(), "the entries after point 1, not the one it covers");
            assertArrayEquals(bytes(BLOCK, 'b'), read(v, 0, BLOCK));
            assertArrayEquals(bytes(BLOCK, 'c'), read(v, BLOCK, BLOCK));
            j.write(4, 2 * BLOCK, filled(BLOCK, 'd'), false).get();
            j.flush().get();
            files.powerCut();
            j.close();
        }
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            assertEquals(1, j.replayed(), "numbered after the recorded point, so replayed");
            assertArrayEquals(bytes(BLOCK, 'd'), read(v, 2 * BLOCK, BLOCK));
            j.close();
        }
    }

    @Test
    void aPowerCutInTheMiddleOfApplyingAPointReplaysFromTheLastRecordedOne() throws Exception {
        Random random = new Random(14);
        for (int round = 0; round < 20; round++) {
            CuttingFiles cutting = new CuttingFiles(random);
            try (FileVolume v = volume(cutting)) {
                Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, true);
                j.write(round * 100 + 50, 10 * BLOCK, filled(BLOCK, 'r' + round), false).get();
                j.point(point(1000 + round, new long[] {10, 1, round * 100 + 50}, new long[0], new byte[0])).get();
                for (int b = 0; b < 8; b++) {
                    j.write(round * 100 + b, b * BLOCK, filled(BLOCK, round * 8 + b), false).get();
                }
                j.write(round * 100 + 8, 8 * BLOCK + 512, filled(512, 'p'), false).get();
                j.flush().get();
                cutting.armed = true; // the point's fdatasync of the volume is where the power goes
                byte[] partial = new byte[BLOCK];
                System.arraycopy(bytes(512, 'p'), 0, partial, 512, 512);
                ConsistencyPoint p = point(round + 1, new long[] {0, 8, round * 100L}, new long[] {8}, partial);
                ExecutionException e = assertThrows(ExecutionException.class, () -> j.point(p).get());
                assertTrue(e.getCause() instanceof VolumeException, e.toString());
            }
            try (FileVolume v = volume(files)) {
                Journal j = held(v);
                assertEquals(9, j.replayed(), "from the recorded point on");
                assertArrayEquals(bytes(BLOCK, 'r' + round), read(v, 10 * BLOCK, BLOCK));
                for (int b = 0; b < 8; b++) {
                    assertArrayEquals(bytes(BLOCK, round * 8 + b), read(v, b * BLOCK, BLOCK), "round " + round);
                }
                assertArrayEquals(bytes(512, 'p'), read(v, 8 * BLOCK + 512, 512));
                j.close();
            }
        }
    }

    @Test
    void aPointMakesItsEntriesDurableInTheJournalBeforeTheyReachTheVolume() throws Exception {
        CuttingFiles cutting = new CuttingFiles(null); // the cut keeps no unforced page
        try (FileVolume v = volume(cutting)) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, true);
            j.write(1, 0, filled(BLOCK, 'a'), false).get(); // acknowledged, in the page cache only
            j.write(2, BLOCK, filled(BLOCK, 'b'), false).get();
            long syncs = j.syncs();
            cutting.armed = true;
            assertThrows(ExecutionException.class,
                    () -> j.point(point(1, new long[] {0, 1, 1, 1, 1, 2}, new long[0], new byte[0])).get());
            assertEquals(syncs + 1, j.syncs(), "the journal's fdatasync came before the volume's");
        }
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            // Otherwise some of the point's blocks could survive on the volume without the entries
            // acknowledged before them: not a consistent image.
            assertEquals(2, j.replayed(), "both entries replayed after the cut");
            assertArrayEquals(bytes(BLOCK, 'a'), read(v, 0, BLOCK));
            assertArrayEquals(bytes(BLOCK, 'b'), read(v, BLOCK, BLOCK));
            j.close();
        }
    }

    @Test
    void aReferenceToATransferNotHeldAppliesTheHeldEntriesInstead() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 0, filled(BLOCK, 'a'), false).get();
            j.write(2, BLOCK, filled(BLOCK, 'b'), false).get();
            j.point(point(1, new long[] {0, 1, 1, 1, 1, 99}, new long[0], new byte[0])).get();
            assertArrayEquals(bytes(BLOCK, 'a'), image(0, BLOCK));
            assertArrayEquals(bytes(BLOCK, 'b'), image(BLOCK, BLOCK));
            assertEquals(0, j.pointCounters().blocksByReference());
            j.close();
        }
    }

    /** A manifest's references in any order; a transfer journaled twice (re-sent on a new link) resolves to its newest entry. */
    @Test
    void referencesInAnyOrderResolveToTheNewestEntryOfTheirTransfer() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 0, filled(2 * BLOCK, 'a'), false).get();
            j.write(2, 2 * BLOCK, filled(BLOCK, 'b'), false).get();
            j.write(1, 0, filled(2 * BLOCK, 'c'), false).get();
            j.point(point(1, new long[] {2, 1, 2, 0, 2, 1}, new long[0], new byte[0])).get();
            assertArrayEquals(bytes(2 * BLOCK, 'c'), image(0, 2 * BLOCK));
            assertArrayEquals(bytes(BLOCK, 'b'), image(2 * BLOCK, BLOCK));
            assertEquals(3, j.pointCounters().blocksByReference());
            j.close();
        }
    }

    /** Two references naming one block: no manifest of ours does that, so none of it is trusted. */
    @Test
    void overlappingReferencesApplyTheHeldEntriesInOrderInstead() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 0, filled(2 * BLOCK, 'a'), false).get();
            j.write(2, BLOCK, filled(BLOCK, 'b'), false).get();
            j.point(point(1, new long[] {0, 2, 1, 1, 1, 2}, new long[0], new byte[0])).get();
            assertArrayEquals(bytes(BLOCK, 'a'), image(0, BLOCK));
            assertArrayEquals(bytes(BLOCK, 'b'), image(BLOCK, BLOCK));
            assertEquals(0, j.pointCounters().blocksByReference());
            j.close();
        }
    }

    @Test
    void aHeldWriteThePointDoesNotNameStillReachesTheVolume() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 0, filled(BLOCK, 'a'), false).get();
            j.write(2, 5 * BLOCK + 512, filled(512, 'e'), false).get();
            j.point(point(1, new long[] {0, 1, 1}, new long[0], new byte[0])).get();
            assertArrayEquals(bytes(BLOCK, 'a'), image(0, BLOCK));
            assertArrayEquals(bytes(512, 'e'), image(5 * BLOCK + 512, 512), "a point never drops a held write");
            j.close();
        }
    }

    @Test
    void aReferencedBlockALaterEntryAlsoWroteIsRebuiltInOrder() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 0, filled(2 * BLOCK, 'a'), false).get();
            j.write(2, 0, filled(512, 'b'), false).get(); // reached the secondary before the manifest
            j.point(point(1, new long[] {0, 2, 1}, new long[0], new byte[0])).get();
            byte[] block0 = bytes(BLOCK, 'a');
            System.arraycopy(bytes(512, 'b'), 0, block0, 0, 512);
            assertArrayEquals(block0, image(0, BLOCK), "never rolled back to the named transfer");
            assertArrayEquals(bytes(BLOCK, 'a'), image(BLOCK, BLOCK));
            assertEquals(1, j.pointCounters().blocksByReference());
            j.close();
        }
    }

    /**
     * Blocks a point takes from one entry go to the volume as one range: a 32-block write is one
     * volume write, not 32, also around a block of it that a later entry rewrote (rebuilt in order)
     * and for the part of an entry outside the manifest.
     */
    @Test
    void consecutiveBlocksFromOneEntryReachTheVolumeInOneWrite() throws Exception {
        java.util.concurrent.atomic.AtomicInteger volumeWrites = new java.util.concurrent.atomic.AtomicInteger();
        StorageFiles counting = file -> {
            StorageFile f = files.open(file);
            return !file.getFileName().toString().equals("lun0.img") ? f : new ForwardingFile(f) {
                @Override
                public int write(java.nio.ByteBuffer src, long position) throws IOException {
                    volumeWrites.incrementAndGet();
                    return super.write(src, position);
                }
            };
        };
        try (FileVolume v = volume(counting)) {
            Journal j = held(v);
            j.write(1, 0, filled(32 * BLOCK, 'a'), false).get(); // blocks 0..31, referenced
            j.write(2, 40 * BLOCK, filled(32 * BLOCK, 'b'), false).get(); // blocks 40..71, referenced
            j.write(3, 50 * BLOCK, filled(BLOCK, 'c'), false).get(); // reached the secondary after the cut
            j.write(4, 100 * BLOCK, filled(16 * BLOCK, 'd'), false).get(); // the manifest names none of it
            volumeWrites.set(0);
            j.point(point(1, new long[] {0, 32, 1, 40, 32, 2}, new long[0], new byte[0])).get();

            assertArrayEquals(bytes(32 * BLOCK, 'a'), image(0, 32 * BLOCK));
            assertArrayEquals(bytes(10 * BLOCK, 'b'), image(40 * BLOCK, 10 * BLOCK));
            assertArrayEquals(bytes(BLOCK, 'c'), image(50 * BLOCK, BLOCK), "the later entry's block, rebuilt in order");
            assertArrayEquals(bytes(21 * BLOCK, 'b'), image(51 * BLOCK, 21 * BLOCK));
            assertArrayEquals(bytes(16 * BLOCK, 'd'), image(100 * BLOCK, 16 * BLOCK));
            assertEquals(63, j.pointCounters().blocksByReference());
            assertEquals(1, j.pointCounters().blocksRebuilt());
            // entry 1: one; entry 2: the run before block 50 and the one after it; block 50: entries 2
            // and 3 in order; entry 4: one
            assertEquals(1 + 2 + 2 + 1, volumeWrites.get(), "volume writes of the point");
            j.close();
        }
    }

    @Test
    void aFullHeldJournalPutsWhatItHoldsOnTheVolumeDurablyBeforeItDeletesAnything() throws Exception {
        int chunk = 64 * 1024;
        try (FileVolume v = volume(files)) {
            Journal j = held(v); // 1 MiB bound, no point ever comes
            for (int i = 0; i < 20; i++) { // 1.25 MiB: the journal fills once
                j.write(i, (long) i * chunk, filled(chunk, i + 1), false).get();
            }
            assertEquals(1, j.frees());
            assertTrue(j.bytes() <= Journal.MIN_MAX_SIZE, "within its bound: " + j.bytes());
            // No flush and no look at the image (closing a plain volume on it would force it): only
            // what the free made durable is sure to survive the cut.
            files.powerCut();
            j.close();
        }
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            for (int i = 0; i < 15; i++) { // 15 entries filled the first 1 MiB
                assertArrayEquals(bytes(chunk, i + 1), read(v, (long) i * chunk, chunk), "freed write " + i);
            }
            j.close();
        }
    }

    @Test
    void segmentsAPointFreedAndOnesFilledAfterItKeepEveryFlushedWrite() throws Exception {
        int chunk = 64 * 1024;
        try (FileVolume v = volume(files)) {
            Journal j = Journal.open(v, 4L << 20, files, Runnable::run, true); // 1 MiB segments
            int i = 0;
            for (; i < 16; i++) { // the first segment fills
                j.write(i, (long) i * chunk, filled(chunk, i + 1), false).get();
            }
            j.flush().get(); // forces it
            j.point(point(1, new long[0], new long[0], new byte[0])).get(); // covers it: it may go
            for (; i < 32; i++) { // the second fills, unforced; the first goes at the next append
                j.write(i, (long) i * chunk, filled(chunk, i + 1), false).get();
            }
            j.write(i, (long) i * chunk, filled(chunk, i + 1), false).get();
            j.flush().get(); // forces the second segment
            files.powerCut();
            j.close();
        }
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            for (int k = 0; k <= 32; k++) {
                assertArrayEquals(bytes(chunk, k + 1), read(v, (long) k * chunk, chunk), "flushed write " + k);
            }
            j.close();
        }
    }

    /**
     * Covered segments are written over as later ones: a reused segment whose new entries end
     * inside its old ones (rounds 0-1 end each segment with a 256 KiB write, later rounds with 64
     * KiB) and a segment after it, both flushed, then a power cut with random writeback. Replay
     * reads past the reused segment's old entries into the next one and loses no flushed write.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void reusedSegmentsKeepEveryFlushedWriteThroughAPowerCut(int seed) throws Exception {
        int chunk = 64 * 1024;
        byte[] model = new byte[(int) SIZE];
        try (FileVolume v = volume(files)) {
            Journal j = Journal.open(v, 4L << 20, files, Runnable::run, true); // 1 MiB segments
            int n = 0;
            for (int round = 0; round < 6; round++) {
                for (int i = 0; i < 16; i++, n++) {
                    int length = i == 15 && round < 2 ? 4 * chunk : chunk;
                    long offset = i == 15 ? 48L * chunk : (long) (n % 48) * chunk;
                    j.write(n, offset, filled(length, n + 1), false).get();
                    java.util.Arrays.fill(model, (int) offset, (int) offset + length, (byte) (n + 1));
                }
                j.flush().get();
                if (round < 4) { // covers this round's segment: the next round writes over it
                    j.point(point(round + 1, new long[0], new long[0], new byte[0])).get();
                }
            }
            assertTrue(j.reusedSegments() >= 4, "reused " + j.reusedSegments());
            files.powerCut(new Random(seed));
            j.close();
        }
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            assertArrayEquals(model, read(v, 0, (int) SIZE), "every flushed write, seed " + seed);
            j.close();
        }
        assertEquals(List.of(), spares(), "a clean stop leaves no spare");
    }

    private List<Path> spares() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".journal.spare.")).toList();
        }
    }

    @Test
    void aPointNamingBlocksPastTheVolumeIsRefused() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            long blocks = SIZE / BLOCK;
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> j.point(point(1, new long[] {blocks - 1, 2, 1}, new long[0], new byte[0])).get());
            assertTrue(e.getCause().getMessage().contains("point 1 names blocks"), e.getCause().getMessage());
            assertThrows(ExecutionException.class,
                    () -> j.point(point(2, new long[0], new long[] {blocks}, new byte[BLOCK])).get());
            assertFalse(j.closed());
            j.close();
        }
    }

    @Test
    void aCleanStopPutsWhatIsHeldOnTheVolume() throws Exception {
        try (FileVolume v = volume(files)) {
            Journal j = held(v);
            j.write(1, 0, filled(BLOCK, 'z'), false).get();
            j.close();
        }
        files.powerCut();
        assertArrayEquals(bytes(BLOCK, 'z'), image(0, BLOCK));
    }

    /** The power-cut fixture, cutting the power (at random pages) at the volume's next fdatasync once armed. */
    private final class CuttingFiles implements StorageFiles {
        /** Renames go through the fixture, whose pages follow the file. */
        @Override
        public void move(Path from, Path to) throws java.io.IOException {
            files.move(from, to);
        }

        private final Random random;
        volatile boolean armed;

        CuttingFiles(Random random) {
            this.random = random;
        }

        @Override
        public StorageFile open(Path file) throws IOException {
            StorageFile f = files.open(file);
            return new ForwardingFile(f) {
                @Override
                public void force() throws IOException {
                    if (armed) {
                        armed = false;
                        files.powerCut(random);
                        throw new IOException("the power went during the fdatasync");
                    }
                    super.force();
                }
            };
        }
    }
}
