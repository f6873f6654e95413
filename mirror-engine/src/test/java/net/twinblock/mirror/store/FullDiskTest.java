package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full file system under a volume: its writes fail as {@link VolumeException.Fault#NO_SPACE}, a
 * type the pair and the SCSI layer act on, while reads go on; other I/O errors stay I/O errors.
 */
class FullDiskTest {

    @TempDir
    Path dir;
    private final ExecutorService io = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    static VolumeException failureOf(java.util.concurrent.CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return Failures.volumeError(e);
    }

    @Test
    void writesToAFullFileSystemFailAsNoSpaceWhileReadsGoOn() throws Exception {
        FailingFiles files = new FailingFiles();
        try (FileVolume v = FileVolume.open(dir.resolve("lun0.img"), 1 << 20, 512, io, false, files)) {
            v.write(0, Unpooled.wrappedBuffer(new byte[512]), false).get();
            files.error = "No space left on device";
            VolumeException full = failureOf(v.write(4096, Unpooled.wrappedBuffer(new byte[512]), false));
            assertEquals(VolumeException.Fault.NO_SPACE, full.fault());
            assertTrue(!full.retryable());
            ByteBuf read = v.read(0, 512, ByteBufAllocator.DEFAULT).get();
            read.release();

            files.error = "Input/output error";
            assertEquals(VolumeException.Fault.IO_ERROR,
                    failureOf(v.write(4096, Unpooled.wrappedBuffer(new byte[512]), false)).fault());
            files.error = "Disk quota exceeded";
            assertEquals(VolumeException.Fault.NO_SPACE,
                    failureOf(v.write(4096, Unpooled.wrappedBuffer(new byte[512]), false)).fault());
        }
    }

    @Test
    void theFaultSurvivesEveryWrapper() {
        VolumeException inner = new VolumeException("pwrite failed", false, new IOException("No space left on device"));
        assertEquals(VolumeException.Fault.NO_SPACE, VolumeException.faultOf(new CompletionException(inner)));
        assertEquals(VolumeException.Fault.NO_SPACE,
                new VolumeException("the record could not be written", false, inner).fault());
        assertEquals(VolumeException.Fault.NOT_READY, new VolumeException("closed", true).fault());
        assertEquals(VolumeException.Fault.OTHER, new VolumeException("out of range", false).fault());
        assertEquals(VolumeException.Fault.OTHER, VolumeException.faultOf(new IllegalStateException("bug")));
    }
}
