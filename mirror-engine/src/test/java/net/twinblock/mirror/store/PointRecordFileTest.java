package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The point record written in place: two slots in turn, the newest valid one read, a torn slot
 * falling back to the point before, and the first format read and then written over.
 */
class PointRecordFileTest {

    @TempDir
    Path dir;

    private Path volume() {
        return dir.resolve("lun0.img");
    }

    private PointRecord read() throws IOException {
        return PointRecordFile.read(volume(), StorageFiles.CHANNELS);
    }

    /** Overwrites part of slot {@code i} on disk, as a write torn by a power cut leaves it. */
    private void tear(int i) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(PointRecord.file(volume()).toFile(), "rw")) {
            f.seek((long) i * PointRecordFile.SLOT + 10);
            f.write(new byte[] {1, 2, 3, 4, 5, 6, 7});
        }
    }

    @Test
    void noFileIsNoPointAndEachWriteIsReadBackAcrossReopens() throws IOException {
        assertEquals(PointRecord.NONE, read());
        try (PointRecordFile f = new PointRecordFile(volume(), StorageFiles.CHANNELS)) {
            for (int p = 1; p <= 5; p++) {
                f.write(new PointRecord(p, p * 10L));
                assertEquals(new PointRecord(p, p * 10L), read());
            }
        }
        assertEquals(PointRecordFile.SIZE, Files.size(PointRecord.file(volume())), "written in place: the size stays");
        try (PointRecordFile f = new PointRecordFile(volume(), StorageFiles.CHANNELS)) {
            f.write(new PointRecord(6, 60));
            assertEquals(new PointRecord(6, 60), read(), "a new process goes on from the newest slot");
            f.write(new PointRecord(7, 70));
            assertEquals(new PointRecord(7, 70), read());
        }
    }

    @Test
    void aTornSlotLeavesThePointBefore() throws IOException {
        try (PointRecordFile f = new PointRecordFile(volume(), StorageFiles.CHANNELS)) {
            f.write(new PointRecord(1, 10)); // made with slot 0
            f.write(new PointRecord(2, 20)); // slot 1
            f.write(new PointRecord(3, 30)); // slot 0
        }
        tear(0);
        assertEquals(new PointRecord(2, 20), read(), "the newest slot is torn: the other holds the point before");
        try (PointRecordFile f = new PointRecordFile(volume(), StorageFiles.CHANNELS)) {
            f.write(new PointRecord(4, 40)); // over the torn slot, not the good one
            assertEquals(new PointRecord(4, 40), read());
        }
        tear(1);
        assertEquals(new PointRecord(4, 40), read());
        tear(0);
        IOException e = assertThrows(IOException.class, this::read);
        assertTrue(e.getMessage().contains("lun0.img.point"), e.getMessage());
    }

    @Test
    void aPowerCutAtTheRecordsFdatasyncLeavesTheOldPointOrTheNewOneWhole() throws Exception {
        for (int round = 0; round < 20; round++) {
            VolatileFiles files = new VolatileFiles();
            Path node = Files.createDirectories(dir.resolve("n" + round));
            Path v = node.resolve("lun0.img");
            try (PointRecordFile f = new PointRecordFile(v, files)) {
                f.write(new PointRecord(1, 10));
                f.write(new PointRecord(2, 20));
                files.powerOffAtForce(PointRecord.file(v), 0, node, new Random(round));
                assertThrows(IOException.class, () -> f.write(new PointRecord(3, 30)));
            }
            files.powerOn(node);
            PointRecord r = PointRecordFile.read(v, files);
            assertTrue(r.equals(new PointRecord(2, 20)) || r.equals(new PointRecord(3, 30)),
                    "round " + round + ": " + r);
        }
    }

    @Test
    void aRecordOfTheFirstFormatIsReadThenWrittenOver() throws IOException {
        AtomicFile.write(StorageFiles.CHANNELS, PointRecord.file(volume()),
                ByteBuffer.allocate(12).putInt(7).putLong(70).array());
        assertEquals(new PointRecord(7, 70), read());
        try (PointRecordFile f = new PointRecordFile(volume(), StorageFiles.CHANNELS)) {
            f.write(new PointRecord(8, 80));
        }
        assertEquals(PointRecordFile.SIZE, Files.size(PointRecord.file(volume())));
        assertEquals(new PointRecord(8, 80), read());
    }
}
