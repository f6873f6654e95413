package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCursorTest {

    private static final ScanGeometry GEOMETRY = new ScanGeometry(1L << 30, 4096, 16);

    @TempDir
    Path dir;

    @Test
    void aSavedPositionIsWhereTheNextScanStarts() throws Exception {
        Path file = dir.resolve("scan.cursor");
        ScanCursor first = ScanCursor.open(file, ChecksumAlgorithm.CRC32C, GEOMETRY);
        assertEquals(0, first.position());
        assertFalse(first.resumed());
        first.advance(1234);
        assertFalse(Files.exists(file), "advance alone stays in memory");
        first.save();

        ScanCursor second = ScanCursor.open(file, ChecksumAlgorithm.CRC32C, GEOMETRY);
        assertEquals(1234, second.position());
        assertTrue(second.resumed());
        assertFalse(Files.exists(dir.resolve("scan.cursor.tmp")), "no temporary file left behind");
    }

    @Test
    void aFinishedScanForgetsItsCursor() throws Exception {
        Path file = dir.resolve("scan.cursor");
        ScanCursor c = ScanCursor.open(file, ChecksumAlgorithm.CRC32C, GEOMETRY);
        c.advance(10);
        c.save();
        c.finish();
        assertTrue(c.done());
        assertFalse(Files.exists(file));
        assertEquals(0, ScanCursor.open(file, ChecksumAlgorithm.CRC32C, GEOMETRY).position());
    }

    @Test
    void aCursorOfAnotherScanIsNotTrusted() throws Exception {
        Path file = dir.resolve("scan.cursor");
        ScanCursor c = ScanCursor.open(file, ChecksumAlgorithm.CRC32C, GEOMETRY);
        c.advance(500);
        c.save();
        assertEquals(0, ScanCursor.open(file, ChecksumAlgorithm.SHA256, GEOMETRY).position(), "other algorithm");
        assertEquals(0, ScanCursor.open(file, ChecksumAlgorithm.CRC32C, new ScanGeometry(1L << 30, 4096, 8))
                .position(), "other region size");
        assertEquals(0, ScanCursor.open(file, ChecksumAlgorithm.CRC32C, new ScanGeometry(1L << 29, 4096, 16))
                .position(), "other volume size");
    }

    @Test
    void aDamagedCursorStartsOverInsteadOfSkippingRegions() throws Exception {
        Path file = dir.resolve("scan.cursor");
        ScanCursor c = ScanCursor.open(file, ChecksumAlgorithm.CRC32C, GEOMETRY);
        c.advance(500);
        c.save();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 0x40; // inside the position
        Files.write(file, bytes);
        assertEquals(0, ScanCursor.open(file, ChecksumAlgorithm.CRC32C, GEOMETRY).position());
        Files.write(file, new byte[] {1, 2});
        assertEquals(0, ScanCursor.open(file, ChecksumAlgorithm.CRC32C, GEOMETRY).position());
    }

    @Test
    void theCursorOnlyMovesForward() {
        ScanCursor c = ScanCursor.inMemory(ChecksumAlgorithm.CRC32C, GEOMETRY);
        c.advance(5);
        assertThrows(IllegalArgumentException.class, () -> c.advance(4));
        assertThrows(IllegalArgumentException.class, () -> c.advance(GEOMETRY.regionCount() + 1));
    }
}
