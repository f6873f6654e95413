package net.twinblock.mirror.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFileTest {

    private static final long EXTENT = 4L << 20;

    @TempDir
    Path dir;

    private static RecordSnapshot record(long... indexes) {
        return RecordSnapshot.of(0, EXTENT, Arrays.stream(indexes).mapToObj(Extent::new).toList());
    }

    private static List<Extent> extents(long... indexes) {
        return Arrays.stream(indexes).mapToObj(Extent::new).toList();
    }

    @Test
    void aNewFileHoldsAnEmptyRecordInTwoAlignedSlots() throws IOException {
        Path path = dir.resolve("sub/record");
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            assertTrue(f.loaded().isEmpty());
            assertTrue(f.maxEntries() >= 100);
        }
        assertEquals(2L * RecordFile.slotSizeFor(100), Files.size(path));
        assertEquals(0, RecordFile.slotSizeFor(100) % 4096, "a torn sector of one slot cannot reach the other");
        assertTrue(RecordFile.read(path).isEmpty());
    }

    @Test
    void theLatestWriteIsWhatTheNextOpenLoads() throws IOException {
        Path path = dir.resolve("record");
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            assertEquals(1, f.write(record(7, 3)));
            assertEquals(2, f.write(record(3, 9, 12)));
        }
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            assertEquals(extents(3, 9, 12), f.loaded().extents());
            assertEquals(2, f.generation());
            assertEquals(3, f.write(record()), "generations keep rising across restarts");
        }
        assertTrue(RecordFile.read(path).isEmpty());
    }

    @Test
    void aTruncatedNewerSlotLeavesTheOlderRecord() throws IOException {
        Path path = dir.resolve("record");
        int slot = RecordFile.slotSizeFor(100);
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            f.write(record(1)); // generation 1, second slot
            f.write(record(2)); // generation 2, first slot
            f.write(record(3)); // generation 3, second slot: the newest
        }
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(slot + 20); // the crash cut the second slot inside its header
        }
        RecordSnapshot loaded = RecordFile.read(path);
        assertEquals(extents(2), loaded.extents());
        assertEquals(2, loaded.generation());
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            assertEquals(extents(2), f.loaded().extents(), "open heals nothing it need not: same answer");
        }
    }

    @Test
    void aCorruptNewerFirstSlotLeavesTheOlderSecondSlot() throws IOException {
        Path path = dir.resolve("record");
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            f.write(record(10, 11)); // generation 1, second slot
            f.write(record(20, 21)); // generation 2, first slot: the newest
        }
        flipByte(path, RecordFile.HEADER + 3); // inside the first slot's extent list: CRC fails
        assertEquals(extents(10, 11), RecordFile.read(path).extents());
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            assertEquals(extents(10, 11), f.loaded().extents());
            assertEquals(1, f.generation());
            f.write(record(30)); // must overwrite the damaged first slot, not the good one
        }
        assertEquals(extents(30), RecordFile.read(path).extents());
    }

    @Test
    void aTornNewerSlotWithAValidLookingHeaderIsCaughtByItsChecksum() throws IOException {
        Path path = dir.resolve("record");
        int slot = RecordFile.slotSizeFor(100);
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            f.write(record(1, 2, 3)); // generation 1, second slot: the newest
        }
        flipByte(path, slot + RecordFile.HEADER + 8 * 2); // the third extent of the second slot
        RecordSnapshot loaded = RecordFile.read(path);
        assertEquals(0, loaded.generation(), "the empty record written at creation");
        assertTrue(loaded.isEmpty());
    }

    @Test
    void bothSlotsInvalidIsAClearErrorNamingTheFile() throws IOException {
        Path path = dir.resolve("record");
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            f.write(record(1));
        }
        flipByte(path, 0);
        flipByte(path, RecordFile.slotSizeFor(100));
        RecordException e = assertThrows(RecordException.class, () -> RecordFile.open(path, EXTENT, 100));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no valid slot"), e.getMessage());

        Path foreign = dir.resolve("foreign");
        Files.writeString(foreign, "this is not a record file\n".repeat(300));
        RecordException f = assertThrows(RecordException.class, () -> RecordFile.open(foreign, EXTENT, 100));
        assertTrue(f.getMessage().contains("no valid slot"), f.getMessage());
        assertEquals("this is not a record file\n".repeat(300), Files.readString(foreign), "left untouched");
    }

    @Test
    void aChangedExtentSizeConvertsTheRecordWithoutLosingARegion() throws IOException {
        Path path = dir.resolve("record");
        try (RecordFile f = RecordFile.open(path, EXTENT, 100)) {
            f.write(record(1, 5));
        }
        try (RecordFile f = RecordFile.open(path, EXTENT / 4, 100)) {
            assertEquals(extents(4, 5, 6, 7, 20, 21, 22, 23), f.loaded().extents());
        }
        assertEquals(EXTENT / 4, RecordFile.read(path).extentSize(), "rewritten in the new units");
        try (RecordFile f = RecordFile.open(path, EXTENT * 4, 100)) {
            // 1 MiB extents 4..7 are bytes 4..8 MiB -> 16 MiB extent 0; 20..23 are 20..24 MiB -> extent 1
            assertEquals(extents(0, 1), f.loaded().extents());
        }
    }

    @Test
    void aLargerCapacityGrowsTheSlotsAndKeepsTheRecord() throws IOException {
        Path path = dir.resolve("record");
        try (RecordFile f = RecordFile.open(path, EXTENT, 10)) {
            f.write(record(4, 8));
        }
        try (RecordFile f = RecordFile.open(path, EXTENT, 5000)) {
            assertEquals(extents(4, 8), f.loaded().extents());
            assertTrue(f.maxEntries() >= 5000);
            long[] many = new long[5000];
            Arrays.setAll(many, i -> i);
            f.write(RecordSnapshot.ofIndexes(0, EXTENT, many));
        }
        assertEquals(2L * RecordFile.slotSizeFor(5000), Files.size(path));
        assertEquals(5000, RecordFile.read(path).size());
    }

    @Test
    void aRecordLargerThanASlotIsRefusedBeforeTouchingTheFile() throws IOException {
        Path path = dir.resolve("record");
        try (RecordFile f = RecordFile.open(path, EXTENT, 10)) {
            long[] many = new long[f.maxEntries() + 1];
            Arrays.setAll(many, i -> i);
            assertThrows(IllegalArgumentException.class, () -> f.write(RecordSnapshot.ofIndexes(0, EXTENT, many)));
            assertEquals(0, f.generation());
        }
        assertTrue(RecordFile.read(path).isEmpty());
    }

    private static void flipByte(Path path, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5A);
        }
    }
}
