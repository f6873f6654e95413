package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What the journal tests share: a directory, the volume's I/O threads and the power-cut fixture. */
abstract class JournalFixture {

    static final long SIZE = 4 << 20;

    @TempDir
    Path dir;

    final ExecutorService io = Executors.newFixedThreadPool(2);
    final VolatileFiles files = new VolatileFiles();

    @AfterEach
    void stopIo() throws InterruptedException {
        io.shutdown();
        assertTrue(io.awaitTermination(30, TimeUnit.SECONDS));
    }

    /** The volume lun0.img of {@link #SIZE} bytes through {@code storage}. */
    FileVolume volume(StorageFiles storage) {
        return FileVolume.open(dir.resolve("lun0.img"), SIZE, 512, io, true, storage);
    }

    /** What the volume holds on its own, journal or not: a volume opened with no journal. */
    byte[] image(long offset, int length) throws Exception {
        try (FileVolume plain = volume(files)) {
            return JournalTest.read(plain, offset, length);
        }
    }
}
