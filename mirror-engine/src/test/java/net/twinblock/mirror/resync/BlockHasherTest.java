package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Reads on the volume's I/O thread, hashes on the caller's executor: host I/O never waits for a hash. */
@ExtendWith(LeakGuard.class)
class BlockHasherTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final int BLOCK = 512;
    private static final long SIZE = 1 << 20;
    private static final ScanGeometry GEOMETRY = new ScanGeometry(SIZE, BLOCK, 1);

    @TempDir
    Path dir;

    /** One I/O thread, as if every other one were busy with host I/O. */
    private ExecutorService io;
    private ExecutorService scan;
    private FileVolume volume;

    @BeforeEach
    void open() throws Exception {
        io = Executors.newSingleThreadExecutor(r -> new Thread(r, "volume-io"));
        scan = Executors.newSingleThreadExecutor(r -> new Thread(r, "scan"));
        volume = FileVolume.open(dir.resolve("v.img"), SIZE, BLOCK, io);
        byte[] data = new byte[(int) SIZE];
        new Random(5).nextBytes(data);
        Volumes.writeAll(volume, data);
    }

    @AfterEach
    void close() throws InterruptedException {
        volume.close();
        scan.shutdown();
        io.shutdown();
        scan.awaitTermination(30, TimeUnit.SECONDS);
        io.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Test
    void hashingWaitsForItsOwnThreadWhileTheIoThreadServesHostReads() throws Exception {
        CountDownLatch scanBusy = new CountDownLatch(1);
        scan.execute(() -> {
            try {
                scanBusy.await(); // the scan thread is held: any hashing queues behind this
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<String> hashedOn = new CopyOnWriteArrayList<>();
        Executor recording = task -> scan.execute(() -> {
            hashedOn.add(Thread.currentThread().getName());
            task.run();
        });
        BlockHasher hasher = new BlockHasher(volume, ChecksumAlgorithm.CRC32C, GEOMETRY, ALLOC, recording);
        CompletableFuture<HashBatch> hashed = hasher.hash(0, 256);

        // A host read on the volume's only I/O thread completes while the hash cannot: the read of
        // the hashed regions is done, and nothing of the hashing sits on the I/O thread.
        Volumes.read(volume, 4096, BLOCK);
        assertFalse(hashed.isDone());

        scanBusy.countDown();
        HashBatch batch = hashed.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("scan"), hashedOn);
        HashBatch direct = new BlockHasher(volume, ChecksumAlgorithm.CRC32C, GEOMETRY, ALLOC).hash(0, 256)
                .get(30, TimeUnit.SECONDS);
        assertEquals(direct, batch, "the same hashes wherever they are computed");
    }

    @Test
    void everyRegionIsHashedOnItsOwnBytes() throws Exception {
        ScanGeometry twoBlocks = new ScanGeometry(SIZE, BLOCK, 2);
        for (ChecksumAlgorithm alg : ChecksumAlgorithm.values()) {
            HashBatch batch = new BlockHasher(volume, alg, twoBlocks, ALLOC, scan).hash(10, 7)
                    .get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 7; i++) {
                byte[] region = Volumes.read(volume, twoBlocks.offset(10 + i), twoBlocks.regionBytes());
                assertArrayEquals(alg.hash(Unpooled.wrappedBuffer(region)), batch.hash(i), alg + " region " + i);
            }
        }
    }

    @Test
    void aRefusedHashingTaskReleasesTheReadBufferAndFails() {
        BlockHasher hasher = new BlockHasher(volume, ChecksumAlgorithm.CRC32C, GEOMETRY, ALLOC, task -> {
            throw new RejectedExecutionException("scan thread shut down");
        });
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> hasher.hash(0, 8).get(30, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
    }
}
