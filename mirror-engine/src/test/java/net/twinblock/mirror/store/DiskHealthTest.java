package net.twinblock.mirror.store;

import static net.twinblock.mirror.store.FullDiskTest.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * disk.on-error on one volume: a full file system is no disk failure; an I/O error or a failed
 * fdatasync is, and under DETACH the volume refuses everything after it (typed DETACHED, never
 * matched by message), while under CONTINUE each operation fails or not on its own. A failed
 * fdatasync poisons every later flush either way, and says so.
 */
class DiskHealthTest {

    @TempDir
    Path dir;
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final FailingFiles files = new FailingFiles();

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    private FileVolume open(DiskHealth.OnError policy) {
        FileVolume v = FileVolume.open(dir.resolve("lun0.img"), 1 << 20, 512, io, false, files);
        v.health().policy(policy);
        return v;
    }

    @Test
    void aFullFileSystemIsNoDiskFailure() throws Exception {
        try (FileVolume v = open(DiskHealth.OnError.DETACH)) {
            files.error = "No space left on device";
            assertEquals(VolumeException.Fault.NO_SPACE,
                    failureOf(v.write(0, Unpooled.wrappedBuffer(new byte[512]), false)).fault());
            assertFalse(v.health().failed());
            files.error = null;
            v.write(0, Unpooled.wrappedBuffer(new byte[512]), false).get();
            v.read(0, 512, ByteBufAllocator.DEFAULT).get().release();
        }
    }

    @Test
    void anIoErrorDetachesTheVolumeForGood() throws Exception {
        try (FileVolume v = open(DiskHealth.OnError.DETACH)) {
            AtomicInteger detached = new AtomicInteger();
            v.health().whenDetached(detached::incrementAndGet);
            v.write(0, Unpooled.wrappedBuffer(new byte[512]), false).get();
            files.error = "Input/output error";
            assertEquals(VolumeException.Fault.IO_ERROR,
                    failureOf(v.write(512, Unpooled.wrappedBuffer(new byte[512]), false)).fault());
            assertTrue(v.health().detached());
            assertEquals(1, detached.get(), "told once");
            assertTrue(v.health().failure().contains("Input/output error"), v.health().failure());
            files.error = null; // the disk "recovers": a detached volume stays detached
            assertEquals(VolumeException.Fault.DETACHED,
                    failureOf(v.read(0, 512, ByteBufAllocator.DEFAULT)).fault());
            assertEquals(VolumeException.Fault.DETACHED,
                    failureOf(v.write(0, Unpooled.wrappedBuffer(new byte[512]), false)).fault());
            assertEquals(VolumeException.Fault.DETACHED, failureOf(v.discard(0, 512)).fault());
            assertEquals(VolumeException.Fault.DETACHED, failureOf(v.flush()).fault());
            assertFalse(v.health().flushPoisoned());
        }
    }

    @Test
    void underContinueTheFailedDiskIsUsedOn() throws Exception {
        try (FileVolume v = open(DiskHealth.OnError.CONTINUE)) {
            files.error = "Input/output error";
            assertEquals(VolumeException.Fault.IO_ERROR,
                    failureOf(v.write(512, Unpooled.wrappedBuffer(new byte[512]), false)).fault());
            assertTrue(v.health().failed(), "status still shows the failure");
            assertFalse(v.health().detached());
            files.error = null;
            v.write(512, Unpooled.wrappedBuffer(new byte[512]), false).get();
            v.read(512, 512, ByteBufAllocator.DEFAULT).get().release();
        }
    }

    @Test
    void aFailedFdatasyncPoisonsEveryLaterFlush() throws Exception {
        try (FileVolume v = open(DiskHealth.OnError.CONTINUE)) {
            assertNull(v.health().failure());
            v.write(0, Unpooled.wrappedBuffer(new byte[512]), false).get();
            files.forceError = "Input/output error";
            assertEquals(VolumeException.Fault.FLUSH_POISONED, failureOf(v.flush()).fault());
            files.forceError = null;
            assertEquals(VolumeException.Fault.FLUSH_POISONED, failureOf(v.flush()).fault(),
                    "a later fdatasync would succeed, but may not cover what the failed one lost");
            assertEquals(VolumeException.Fault.FLUSH_POISONED,
                    failureOf(v.write(0, Unpooled.wrappedBuffer(new byte[512]), true)).fault(), "FUA too");
            assertTrue(v.health().flushPoisoned());
            assertTrue(v.health().failed());
            v.read(0, 512, ByteBufAllocator.DEFAULT).get().release();
        }
    }

    @Test
    void aFailedFdatasyncDetachesUnderDetach() throws Exception {
        try (FileVolume v = open(DiskHealth.OnError.DETACH)) {
            files.forceError = "Input/output error";
            assertEquals(VolumeException.Fault.FLUSH_POISONED, failureOf(v.flush()).fault());
            assertTrue(v.health().detached());
            assertTrue(v.health().flushPoisoned());
            assertEquals(VolumeException.Fault.DETACHED,
                    failureOf(v.read(0, 512, ByteBufAllocator.DEFAULT)).fault());
        }
    }
}
