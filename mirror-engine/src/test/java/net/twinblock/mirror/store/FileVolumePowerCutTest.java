package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What a FileVolume promises about durability, shown with a power cut of {@link VolatileFiles}. */
@ExtendWith(LeakGuard.class)
class FileVolumePowerCutTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final long SIZE = 1 << 20;

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newFixedThreadPool(4);
    private final VolatileFiles files = new VolatileFiles();

    @AfterEach
    void stopIo() throws InterruptedException {
        io.shutdown();
        assertTrue(io.awaitTermination(30, TimeUnit.SECONDS));
    }

    private FileVolume open() {
        return FileVolume.open(dir.resolve("lun0.img"), SIZE, 512, io, true, files);
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] read(FileVolume vol, long offset, int length) throws Exception {
        ByteBuf buf = await(vol.read(offset, length, ALLOC));
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** A power cut, then the node's restart on the same file. */
    private FileVolume cutAndReopen(FileVolume vol) {
        files.powerCut(dir);
        vol.close(); // the dead volume lets go of its handle without a final fdatasync
        return open();
    }

    @Test
    void aWriteAcknowledgedWithoutFuaOrFlushIsLostByAPowerCut() throws Exception {
        FileVolume vol = open();
        await(vol.write(4096, Unpooled.wrappedBuffer(filled(512, 1)), false));
        assertArrayEquals(filled(512, 1), read(vol, 4096, 512), "acknowledged: hosts read it back");

        try (FileVolume after = cutAndReopen(vol)) {
            assertArrayEquals(new byte[512], read(after, 4096, 512), "gone with the page cache");
        }
    }

    @Test
    void aWriteFollowedByAFlushOrWrittenWithFuaSurvivesAPowerCut() throws Exception {
        FileVolume vol = open();
        await(vol.write(0, Unpooled.wrappedBuffer(filled(512, 1)), false));
        await(vol.flush());
        await(vol.write(8192, Unpooled.wrappedBuffer(filled(512, 2)), true));
        await(vol.write(16384, Unpooled.wrappedBuffer(filled(512, 3)), false)); // after the flush: lost

        try (FileVolume after = cutAndReopen(vol)) {
            assertArrayEquals(filled(512, 1), read(after, 0, 512), "covered by the flush");
            assertArrayEquals(filled(512, 2), read(after, 8192, 512), "written with FUA");
            assertArrayEquals(new byte[512], read(after, 16384, 512), "written after the last flush");
        }
    }

    @Test
    void underTheFixtureADiscardWritesZerosThroughItInsteadOfPunchingBehindIt() throws Exception {
        try (FileVolume vol = open()) {
            assertFalse(vol.punchesHoles(), "libc would punch the real file under the overlay's pages");
            await(vol.write(0, Unpooled.wrappedBuffer(filled(8192, 4)), false));
            await(vol.discard(0, 4096));
            byte[] expected = filled(8192, 4);
            Arrays.fill(expected, 0, 4096, (byte) 0);
            assertArrayEquals(expected, read(vol, 0, 8192));
        }
    }

    @Test
    void aCutVolumeFailsItsOperationsUntilReopened() throws Exception {
        FileVolume vol = open();
        files.powerCut(dir);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> await(vol.write(0, Unpooled.wrappedBuffer(filled(512, 5)), false)));
        assertTrue(e.getCause() instanceof VolumeException, e.toString());
        vol.close();
        try (FileVolume after = open()) {
            await(after.write(0, Unpooled.wrappedBuffer(filled(512, 5)), false));
            assertArrayEquals(filled(512, 5), read(after, 0, 512));
        }
    }
}
