package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolatileFilesTest {

    private static final int PAGE = VolatileFile.PAGE;

    @TempDir
    Path dir;

    private final VolatileFiles files = new VolatileFiles();

    private Path newFile(String name, int bytes) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(bytes);
        }
        return p;
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static void write(StorageFile f, long pos, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            f.write(b, pos + b.position());
        }
    }

    private static byte[] read(StorageFile f, long pos, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (f.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        return b.array();
    }

    private static byte[] onDisk(Path p, long pos, int length) throws IOException {
        return Arrays.copyOfRange(Files.readAllBytes(p), (int) pos, (int) pos + length);
    }

    @Test
    void anUnforcedWriteIsReadBackButNeverReachesTheFileAndAPowerCutLosesIt() throws IOException {
        Path p = newFile("a", 4 * PAGE);
        StorageFile f = files.open(p);
        write(f, PAGE, filled(PAGE, 7));

        assertArrayEquals(filled(PAGE, 7), read(f, PAGE, PAGE), "reads see the overlay");
        assertArrayEquals(new byte[PAGE], onDisk(p, PAGE, PAGE), "unforced: only in memory");

        files.powerCut();
        try (StorageFile again = files.open(p)) {
            assertArrayEquals(new byte[PAGE], read(again, PAGE, PAGE), "the power cut lost it");
        }
    }

    @Test
    void aForcedWriteSurvivesAPowerCutAndLaterUnforcedOnesDoNot() throws IOException {
        Path p = newFile("a", 4 * PAGE);
        StorageFile f = files.open(p);
        write(f, 0, filled(PAGE, 1));
        f.force();
        assertEquals(0, files.unforcedPages());
        assertArrayEquals(filled(PAGE, 1), onDisk(p, 0, PAGE), "force writes the page to the file");
        write(f, 0, filled(PAGE, 2));

        files.powerCut();
        try (StorageFile again = files.open(p)) {
            assertArrayEquals(filled(PAGE, 1), read(again, 0, PAGE));
        }
    }

    @Test
    void aPartialPageWriteKeepsTheRestOfThePageFromTheFile() throws IOException {
        Path p = newFile("a", 2 * PAGE);
        Files.write(p, filled(2 * PAGE, 9));
        StorageFile f = files.open(p);
        // 512 bytes straddling nothing, then 1000 bytes across the page boundary.
        write(f, 512, filled(512, 3));
        write(f, PAGE - 500, filled(1000, 4));

        byte[] expected = filled(2 * PAGE, 9);
        Arrays.fill(expected, 512, 1024, (byte) 3);
        Arrays.fill(expected, PAGE - 500, PAGE + 500, (byte) 4);
        assertArrayEquals(expected, read(f, 0, 2 * PAGE), "overlay pages filled from the file");
        assertArrayEquals(filled(2 * PAGE, 9), Files.readAllBytes(p));

        f.force();
        assertArrayEquals(expected, Files.readAllBytes(p), "forced pages hold the file's bytes around the writes");
    }

    @Test
    void aRandomCutKeepsWholePagesOfUnforcedWritesOrNothingOfThem() throws IOException {
        int pageCount = 256;
        Path p = newFile("a", pageCount * PAGE);
        StorageFile f = files.open(p);
        // Eight 512-byte writes per page, each page's writes with the page's own value.
        for (int page = 0; page < pageCount; page++) {
            for (int s = 0; s < PAGE / 512; s++) {
                write(f, (long) page * PAGE + s * 512, filled(512, page % 250 + 1));
            }
        }
        files.powerCut(new Random(42));

        byte[] disk = Files.readAllBytes(p);
        int kept = 0;
        for (int page = 0; page < pageCount; page++) {
            byte[] got = Arrays.copyOfRange(disk, page * PAGE, (page + 1) * PAGE);
            if (Arrays.equals(filled(PAGE, page % 250 + 1), got)) {
                kept++;
            } else {
                assertArrayEquals(new byte[PAGE], got, "page " + page + " is torn: part kept, part lost");
            }
        }
        assertTrue(kept > pageCount / 4 && kept < pageCount * 3 / 4, "kept " + kept + " of " + pageCount
                + " pages; a random cut keeps some and drops some");
    }

    @Test
    void aCutMakesEveryOldHandleFailAndANewOpenWorks() throws IOException {
        Path p = newFile("a", PAGE);
        StorageFile f = files.open(p);
        StorageFile g = files.open(p);
        write(f, 0, filled(16, 5));
        assertArrayEquals(filled(16, 5), read(g, 0, 16), "handles of one file share its pages");

        files.powerCut();

        assertFalse(f.isOpen());
        assertThrows(IOException.class, () -> read(f, 0, 16));
        assertThrows(IOException.class, () -> write(g, 0, filled(16, 6)));
        assertThrows(IOException.class, f::force);
        assertThrows(IOException.class, g::size);
        f.close(); // closing a dead handle is fine, as after a reboot
        try (StorageFile again = files.open(p)) {
            write(again, 0, filled(16, 6));
            assertArrayEquals(filled(16, 6), read(again, 0, 16));
        }
    }

    @Test
    void aCutUnderOneDirectoryLeavesOtherFilesAlone() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Path pa = newFile("a/lun0.img", PAGE);
        Path pb = newFile("b/lun0.img", PAGE);
        StorageFile fa = files.open(pa);
        StorageFile fb = files.open(pb);
        write(fa, 0, filled(PAGE, 1));
        write(fb, 0, filled(PAGE, 2));

        files.powerCut(dir.resolve("a"));

        assertThrows(IOException.class, () -> read(fa, 0, 1));
        assertArrayEquals(filled(PAGE, 2), read(fb, 0, PAGE), "the other node's page cache is untouched");
        fb.force();
        assertArrayEquals(filled(PAGE, 2), Files.readAllBytes(pb));
        assertArrayEquals(new byte[PAGE], Files.readAllBytes(pa));
    }

    @Test
    void unforcedPagesOutliveAHandlesCloseAsAPageCacheOutlivesADescriptor() throws IOException {
        Path p = newFile("a", PAGE);
        try (StorageFile f = files.open(p)) {
            write(f, 0, filled(PAGE, 8));
        }
        try (StorageFile f = files.open(p)) {
            assertArrayEquals(filled(PAGE, 8), read(f, 0, PAGE));
            assertEquals(PAGE, f.size());
        }
        files.powerCut();
        assertArrayEquals(new byte[PAGE], Files.readAllBytes(p));
    }

    @Test
    void readsStopAtTheEndOfTheFile() throws IOException {
        Path p = newFile("a", 1000);
        try (StorageFile f = files.open(p)) {
            assertEquals(-1, f.read(ByteBuffer.allocate(10), 1000));
            ByteBuffer b = ByteBuffer.allocate(100);
            assertEquals(40, f.read(b, 960));
            write(f, 990, filled(20, 3)); // grows the file by 10 bytes
            assertEquals(1010, f.size());
            f.force();
            assertEquals(1010, Files.size(p));
        }
    }

    @Test
    void theSystemPropertySelectsTheFixtureOneInstancePerClass() {
        String before = System.getProperty(StorageFiles.TEST_PROPERTY);
        try {
            System.clearProperty(StorageFiles.TEST_PROPERTY);
            assertSame(StorageFiles.CHANNELS, StorageFiles.system());
            System.setProperty(StorageFiles.TEST_PROPERTY, VolatileFiles.CLASS_NAME);
            assertTrue(StorageFiles.system() instanceof VolatileFiles);
            assertSame(StorageFiles.system(), StorageFiles.system());
            System.setProperty(StorageFiles.TEST_PROPERTY, "java.lang.String");
            assertThrows(IllegalStateException.class, StorageFiles::system);
        } finally {
            if (before == null) {
                System.clearProperty(StorageFiles.TEST_PROPERTY);
            } else {
                System.setProperty(StorageFiles.TEST_PROPERTY, before);
            }
        }
    }
}
