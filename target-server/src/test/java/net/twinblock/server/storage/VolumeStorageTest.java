package net.twinblock.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.lun.ProvisioningRun;
import net.twinblock.iscsi.lun.StorageException;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Volume;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.server.metrics.StorageCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeStorageTest {

    private static final int BLOCK = 512;
    private static final long SIZE = 1 << 20; // 2048 blocks
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    @TempDir
    Path dir;

    private ExecutorService io;
    private FileVolume volume;
    private StorageCounters counters;
    private VolumeStorage storage;

    @BeforeEach
    void open() {
        io = Executors.newFixedThreadPool(2);
        volume = FileVolume.open(dir.resolve("lun0.img"), SIZE, BLOCK, io);
        counters = new StorageCounters();
        storage = new VolumeStorage(volume, counters);
    }

    @AfterEach
    void close() throws Exception {
        volume.close();
        io.shutdown();
        io.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static ByteBuf pattern(int blocks, int seed) {
        ByteBuf b = ALLOC.buffer(blocks * BLOCK);
        for (int i = 0; i < blocks * BLOCK; i++) {
            b.writeByte((i * 31 + seed) & 0xff);
        }
        return b;
    }

    private static StorageException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(StorageException.class, e.getCause());
    }

    @Test
    void geometryComesFromTheVolume() {
        assertEquals(BLOCK, storage.blockSize());
        assertEquals(SIZE / BLOCK, storage.blockCount());
    }

    @Test
    void aWriteAtAnLbaLandsAtLbaTimesBlockSizeInTheImage() throws Exception {
        ByteBuf data = pattern(2, 7);
        byte[] expected = ByteBufUtil.getBytes(data);
        storage.write(3, data, true).get(5, TimeUnit.SECONDS); // ownership passed: the volume releases it
        assertEquals(0, data.refCnt());

        byte[] onDisk = new byte[expected.length];
        try (RandomAccessFile raw = new RandomAccessFile(dir.resolve("lun0.img").toFile(), "r")) {
            raw.seek(3L * BLOCK);
            raw.readFully(onDisk);
        }
        assertArrayEquals(expected, onDisk);

        ByteBuf read = storage.read(3, 2, ALLOC).get(5, TimeUnit.SECONDS);
        try {
            assertArrayEquals(expected, ByteBufUtil.getBytes(read));
        } finally {
            read.release(); // the caller owns what read() returns
        }
        assertEquals(1, counters.writes());
        assertEquals(2 * BLOCK, counters.bytesWritten());
        assertEquals(1, counters.reads());
        assertEquals(2 * BLOCK, counters.bytesRead());
    }

    @Test
    void theLastBlockIsReachableAndOneBeyondIsRefused() throws Exception {
        long last = storage.blockCount() - 1;
        storage.write(last, pattern(1, 1), false).get(5, TimeUnit.SECONDS);
        storage.read(last, 1, ALLOC).get(5, TimeUnit.SECONDS).release();

        assertEquals(StorageException.Kind.INTERNAL, failure(storage.read(last, 2, ALLOC)).kind());
        ByteBuf beyond = pattern(1, 2);
        assertEquals(StorageException.Kind.INTERNAL, failure(storage.write(last + 1, beyond, false)).kind());
        assertEquals(0, beyond.refCnt(), "a refused write still releases its data");
        assertEquals(StorageException.Kind.INTERNAL, failure(storage.unmap(-1, 1)).kind());
        assertEquals(3, counters.errors(StorageException.Kind.INTERNAL));
    }

    @Test
    void aWriteOfPartialBlocksIsRefusedAndReleased() {
        ByteBuf odd = ALLOC.buffer(100).writeZero(100);
        StorageException e = failure(storage.write(0, odd, false));
        assertEquals(StorageException.Kind.INTERNAL, e.kind());
        assertEquals(0, odd.refCnt());
    }

    @Test
    void unmappedBlocksReadAsZeros() throws Exception {
        storage.write(8, pattern(4, 9), false).get(5, TimeUnit.SECONDS);
        storage.unmap(8, 4).get(5, TimeUnit.SECONDS);
        ByteBuf read = storage.read(8, 4, ALLOC).get(5, TimeUnit.SECONDS);
        try {
            assertArrayEquals(new byte[4 * BLOCK], ByteBufUtil.getBytes(read));
        } finally {
            read.release();
        }
        assertEquals(1, counters.unmaps());
        assertEquals(4 * BLOCK, counters.bytesUnmapped());
    }

    @Test
    void provisioningIsTheVolumeFilesDataAndHolesInBlocks() throws Exception {
        storage.write(1024, pattern(16, 2), false).get(5, TimeUnit.SECONDS); // 8 KiB at 512 KiB
        assertEquals(List.of(new ProvisioningRun(8, 1016, false), new ProvisioningRun(1024, 16, true),
                new ProvisioningRun(1040, 1008, false)), storage.provisioning(8, 10).get(5, TimeUnit.SECONDS));
        assertEquals(List.of(new ProvisioningRun(1030, 10, true)), storage.provisioning(1030, 1).get(5, TimeUnit.SECONDS));
        assertEquals(List.of(), storage.provisioning(2048, 1).get(5, TimeUnit.SECONDS), "nothing after the end");
        assertEquals(StorageException.Kind.INTERNAL, failure(storage.provisioning(2049, 1)).kind(),
                "the SCSI layer checks the LBA first; beyond the end is a bug");
    }

    @Test
    void flushIsCounted() throws Exception {
        storage.flush().get(5, TimeUnit.SECONDS);
        storage.flush().get(5, TimeUnit.SECONDS);
        assertEquals(2, counters.flushes());
    }

    @Test
    void aClosedVolumeAsksTheHostToRetry() {
        volume.close();
        ByteBuf data = pattern(1, 3);
        assertEquals(StorageException.Kind.NOT_READY_RETRYABLE, failure(storage.write(0, data, false)).kind());
        assertEquals(0, data.refCnt());
        assertEquals(StorageException.Kind.NOT_READY_RETRYABLE, failure(storage.read(0, 1, ALLOC)).kind());
        assertEquals(2, counters.errors(StorageException.Kind.NOT_READY_RETRYABLE));
    }

    @Test
    void engineFailuresMapToTheSenseTheHostShouldSee() {
        assertEquals(StorageException.Kind.MEDIUM_ERROR, VolumeStorage.toStorageException(
                new VolumeException("write failed", false, new IOException("Input/output error"))).kind());
        assertEquals(StorageException.Kind.NOT_READY_RETRYABLE, VolumeStorage.toStorageException(
                new CompletionException(new VolumeException("mirror suspended", true))).kind());
        assertEquals(StorageException.Kind.SPACE_EXHAUSTED, VolumeStorage.toStorageException(
                new VolumeException("the secondary failed the mirrored WRITE: NO_SPACE",
                        VolumeException.Fault.NO_SPACE, null)).kind());
        assertEquals(StorageException.Kind.INTERNAL, VolumeStorage.toStorageException(
                new VolumeException("bug", false)).kind());
        assertEquals(StorageException.Kind.INTERNAL, VolumeStorage.toStorageException(
                new IllegalStateException("bug")).kind());
        assertEquals(StorageException.Kind.MEDIUM_ERROR, VolumeStorage.toStorageException(new VolumeException(
                "fdatasync failed earlier", VolumeException.Fault.FLUSH_POISONED, null)).kind());
        assertEquals(StorageException.Kind.MEDIUM_ERROR, VolumeStorage.toStorageException(new VolumeException(
                "detached after a disk failure", VolumeException.Fault.DETACHED, null)).kind(), "no partner to go to");
        assertEquals(StorageException.Kind.TRANSITIONING, VolumeStorage.toStorageException(new VolumeException(
                "this primary's disk is detached: read through the secondary", VolumeException.Fault.ELSEWHERE, null))
                .kind(), "multipath moves to the partner");
        StorageException passThrough = new StorageException(StorageException.Kind.TRANSITIONING, "role change");
        assertEquals(passThrough, VolumeStorage.toStorageException(new CompletionException(passThrough)));
    }

    @Test
    void aMediumErrorFromTheEngineReachesTheCaller() {
        Volume failing = new Volume() {
            @Override
            public long size() {
                return SIZE;
            }

            @Override
            public int blockSize() {
                return BLOCK;
            }

            @Override
            public CompletableFuture<ByteBuf> read(long offset, int length, ByteBufAllocator alloc) {
                return CompletableFuture.failedFuture(new VolumeException("pread failed", false,
                        new IOException("Input/output error")));
            }

            @Override
            public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
                data.release();
                return CompletableFuture.failedFuture(new VolumeException("pwrite failed", false,
                        new IOException("No space left on device")));
            }

            @Override
            public CompletableFuture<Void> flush() {
                throw new IllegalStateException("thrown instead of failing the future");
            }

            @Override
            public CompletableFuture<Void> discard(long offset, long length) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
            }
        };
        StorageCounters c = new StorageCounters();
        VolumeStorage s = new VolumeStorage(failing, c);
        assertEquals(StorageException.Kind.MEDIUM_ERROR, failure(s.read(0, 1, ALLOC)).kind());
        assertEquals(StorageException.Kind.SPACE_EXHAUSTED, failure(s.write(0, pattern(1, 0), true)).kind(),
                "a full file system is no failing disk");
        assertEquals(StorageException.Kind.INTERNAL, failure(s.flush()).kind());
        assertEquals(1, c.errors(StorageException.Kind.MEDIUM_ERROR));
        assertEquals(1, c.errors(StorageException.Kind.SPACE_EXHAUSTED));
        assertEquals(0, c.writes());
    }
}
