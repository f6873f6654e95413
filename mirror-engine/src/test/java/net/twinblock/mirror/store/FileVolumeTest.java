package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakGuard.class)
class FileVolumeTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private ExecutorService io;

    @BeforeEach
    void startIo() {
        io = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stopIo() throws InterruptedException {
        io.shutdown();
        assertTrue(io.awaitTermination(30, TimeUnit.SECONDS));
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    /**
     * Splits {@code data} the way the PDU layer hands it over: slices of bigger pooled buffers
     * (behind a fake header) mixed with heap pieces, gathered in a CompositeByteBuf.
     */
    private static CompositeByteBuf asPduSlices(byte[] data, Random rnd) {
        CompositeByteBuf composite = ALLOC.compositeBuffer(64);
        int pos = 0;
        while (pos < data.length) {
            int len = Math.min(data.length - pos, 1 + rnd.nextInt(9000));
            ByteBuf piece;
            if (rnd.nextBoolean()) {
                ByteBuf pdu = ALLOC.directBuffer(48 + len);
                pdu.writeZero(48).writeBytes(data, pos, len);
                piece = pdu.retainedSlice(48, len);
                pdu.release(); // the slice keeps the PDU's memory alive
            } else {
                piece = Unpooled.wrappedBuffer(Arrays.copyOfRange(data, pos, pos + len));
            }
            composite.addComponent(true, piece);
            pos += len;
        }
        return composite;
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void writesReadBackAtManyOffsetsFromCompositeBuffers() throws Exception {
        long size = 8 * MIB;
        Random rnd = new Random(42);
        byte[] shadow = new byte[(int) size];
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), size, 512, io)) {
            for (int i = 0; i < 200; i++) {
                int blocks = 1 + rnd.nextInt(256);
                long offset = 512L * rnd.nextInt((int) (size / 512) - blocks + 1);
                byte[] data = new byte[blocks * 512];
                rnd.nextBytes(data);
                CompositeByteBuf buf = asPduSlices(data, rnd);
                await(vol.write(offset, buf, rnd.nextInt(10) == 0));
                assertEquals(0, buf.refCnt(), "the volume releases what it wrote");
                System.arraycopy(data, 0, shadow, (int) offset, data.length);
            }
            for (int i = 0; i < 200; i++) {
                int blocks = 1 + rnd.nextInt(512);
                long offset = 512L * rnd.nextInt((int) (size / 512) - blocks + 1);
                ByteBuf got = await(vol.read(offset, blocks * 512, ALLOC));
                assertTrue(got.isDirect());
                assertArrayEquals(Arrays.copyOfRange(shadow, (int) offset, (int) offset + blocks * 512),
                        bytes(got), "read at " + offset);
            }
            ByteBuf last = await(vol.read(size - 512, 512, ALLOC));
            assertArrayEquals(Arrays.copyOfRange(shadow, (int) size - 512, (int) size), bytes(last));
        }
    }

    @Test
    void dataSurvivesCloseAndReopen() throws Exception {
        Path file = dir.resolve("v.img");
        byte[] data = new byte[8192];
        new Random(7).nextBytes(data);
        try (FileVolume vol = FileVolume.open(file, MIB, 4096, io)) {
            await(vol.write(4096, Unpooled.wrappedBuffer(data), false)); // no flush: close must force
        }
        try (FileVolume vol = FileVolume.open(file, MIB, 4096, io)) {
            assertArrayEquals(data, bytes(await(vol.read(4096, 8192, ALLOC))));
            assertArrayEquals(new byte[4096], bytes(await(vol.read(0, 4096, ALLOC))));
        }
    }

    @Test
    void createsASparseFileAndItsDirectory() throws Exception {
        Path file = dir.resolve("a/b/v.img");
        long size = 1024 * MIB;
        try (FileVolume vol = FileVolume.open(file, size, 512, io)) {
            assertEquals(size, Files.size(file));
            assertEquals(size, vol.size());
            assertTrue(AllocatedBytes.of(file) <= 64 * 1024,
                    "a new 1 GiB volume must not be zero-filled, has " + AllocatedBytes.of(file));
            assertArrayEquals(new byte[65536], bytes(await(vol.read(size - 65536, 65536, ALLOC))));
        }
    }

    @Test
    void refusesAnExistingFileOfAnotherSize() throws Exception {
        Path file = dir.resolve("v.img");
        FileVolume.open(file, MIB, 512, io).close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileVolume.open(file, 2 * MIB, 512, io));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(Long.toString(MIB)), e.getMessage());
        assertTrue(e.getMessage().contains(Long.toString(2 * MIB)), e.getMessage());
        assertEquals(MIB, Files.size(file), "the refused file is left as it was");
    }

    @Test
    void refusesBadBlockSizeAndSize() {
        Path file = dir.resolve("v.img");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileVolume.open(file, MIB, 1024, io));
        assertTrue(e.getMessage().contains("1024"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FileVolume.open(file, MIB + 512, 4096, io));
        assertTrue(e.getMessage().contains(Long.toString(MIB + 512)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FileVolume.open(file, 0, 512, io));
        assertFalse(Files.exists(file), "nothing is created for a refused configuration");
    }

    @Test
    void refusesUnalignedAndOutOfRangeOperations() throws Exception {
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), MIB, 4096, io)) {
            List<ByteBuf> given = new ArrayList<>();
            List<CompletableFuture<?>> refused = new ArrayList<>();
            refused.add(vol.write(512, track(given, ALLOC.directBuffer().writeZero(4096)), false));
            refused.add(vol.write(0, track(given, ALLOC.directBuffer().writeZero(512)), false));
            refused.add(vol.write(MIB, track(given, ALLOC.directBuffer().writeZero(4096)), false));
            refused.add(vol.write(MIB - 4096, track(given, ALLOC.directBuffer().writeZero(8192)), true));
            refused.add(vol.write(-4096, track(given, ALLOC.directBuffer().writeZero(4096)), false));
            refused.add(vol.read(100, 4096, ALLOC));
            refused.add(vol.read(0, 4097, ALLOC));
            refused.add(vol.read(MIB - 4096, 8192, ALLOC));
            refused.add(vol.read(Long.MAX_VALUE - 4095, 4096, ALLOC));
            refused.add(vol.discard(MIB, 4096));
            refused.add(vol.discard(0, MIB + 4096));
            refused.add(vol.discard(4096, Long.MAX_VALUE - 4095));
            for (CompletableFuture<?> f : refused) {
                Throwable t = failure(f);
                assertInstanceOf(VolumeException.class, t);
                assertFalse(((VolumeException) t).retryable(), t.getMessage());
            }
            for (ByteBuf b : given) {
                assertEquals(0, b.refCnt(), "a refused write still releases its buffer");
            }
            assertEquals(0, Files.size(vol.file()) - MIB, "nothing was written past the end");
        }
    }

    private static ByteBuf track(List<ByteBuf> given, ByteBuf buf) {
        given.add(buf);
        return buf;
    }

    @Test
    void concurrentFlushesShareOneForce() throws Exception {
        // The I/O executor runs only when the test says so, so "a force is running while more
        // flushes arrive" happens every time, not by luck of timing.
        ManualExecutor manual = new ManualExecutor();
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), MIB, 512, manual)) {
            CompletableFuture<Void> first = vol.flush();
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                waiting.add(vol.flush());
            }
            assertEquals(1, manual.queued(), "one force for the first flush; the rest wait for the next");
            manual.runOne(); // the first force: completes the first flush, starts the next force
            assertTrue(first.isDone());
            await(first);
            for (CompletableFuture<Void> f : waiting) {
                assertFalse(f.isDone(), "a flush requested while a force ran must wait for the next one");
            }
            manual.runAll();
            for (CompletableFuture<Void> f : waiting) {
                await(f);
            }
            assertEquals(21, vol.flushRequests());
            assertEquals(2, vol.forces());
        }
    }

    @Test
    void fuaWritesJoinTheGroupCommit() throws Exception {
        ManualExecutor manual = new ManualExecutor();
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), MIB, 512, manual)) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                writes.add(vol.write(512L * i, Unpooled.wrappedBuffer(new byte[512]), true));
            }
            manual.runAll();
            for (CompletableFuture<Void> f : writes) {
                await(f);
            }
            assertEquals(10, vol.flushRequests());
            assertTrue(vol.forces() < 10, "ten FUA writes in a burst cost " + vol.forces() + " forces");
            assertTrue(vol.forces() >= 1);
        }
    }

    @Test
    void manyThreadsFlushingConcurrentlyAllComplete() throws Exception {
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), 4 * MIB, 4096, io)) {
            ExecutorService hosts = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int lane = t;
                all.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < 50; i++) {
                            long off = 4096L * (lane * 50 + i);
                            vol.write(off, Unpooled.wrappedBuffer(new byte[4096]), i % 2 == 0).join();
                            vol.flush().join();
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, hosts));
            }
            go.countDown();
            await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
            hosts.shutdown();
            assertEquals(8 * 75, vol.flushRequests());
            assertTrue(vol.forces() >= 1 && vol.forces() <= vol.flushRequests());
        }
    }

    @Test
    void discardPunchesAHoleThatReadsAsZeros() throws Exception {
        Path file = dir.resolve("v.img");
        long size = 16 * MIB;
        byte[] data = new byte[(int) (8 * MIB)];
        new Random(3).nextBytes(data);
        try (FileVolume vol = FileVolume.open(file, size, 4096, io)) {
            await(vol.write(0, Unpooled.wrappedBuffer(data), true));
            long before = AllocatedBytes.of(file);
            assertTrue(before >= 8 * MIB, "written data occupies space: " + before);

            await(vol.discard(MIB, 6 * MIB));
            await(vol.flush());
            assertTrue(vol.punchesHoles(), "the test file system supports hole punching");
            long after = AllocatedBytes.of(file);
            assertTrue(after <= before - 6 * MIB + 64 * 1024, "6 MiB freed: " + before + " -> " + after);

            assertArrayEquals(new byte[(int) (6 * MIB)], bytes(await(vol.read(MIB, (int) (6 * MIB), ALLOC))));
            assertArrayEquals(Arrays.copyOfRange(data, 0, (int) MIB), bytes(await(vol.read(0, (int) MIB, ALLOC))),
                    "data before the discarded range is intact");
            assertArrayEquals(Arrays.copyOfRange(data, (int) (7 * MIB), (int) (8 * MIB)),
                    bytes(await(vol.read(7 * MIB, (int) MIB, ALLOC))), "data after it is intact");
            assertEquals(size, Files.size(file), "punching keeps the size");
        }
    }

    @Test
    void discardOfPartialFileSystemBlocksStillZeroesExactlyTheRange() throws Exception {
        byte[] data = new byte[16384];
        Arrays.fill(data, (byte) 0x5a);
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), MIB, 512, io)) {
            await(vol.write(0, Unpooled.wrappedBuffer(data), false));
            await(vol.discard(1536, 512 * 3)); // inside one 4 KiB file-system block
            byte[] expected = data.clone();
            Arrays.fill(expected, 1536, 1536 + 1536, (byte) 0);
            assertArrayEquals(expected, bytes(await(vol.read(0, 16384, ALLOC))));
        }
    }

    @Test
    void allocationNamesTheDataRunsAndTheHolesOfTheSparseFile() throws Exception {
        byte[] data = new byte[(int) MIB];
        Arrays.fill(data, (byte) 0x42);
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), 16 * MIB, 4096, io)) {
            assertEquals(List.of(new Allocation(0, 16 * MIB, false)), await(vol.allocation(0, 16 * MIB, 8)),
                    "a new volume is one hole");
            await(vol.write(2 * MIB, Unpooled.wrappedBuffer(data), false));
            await(vol.write(3 * MIB, Unpooled.wrappedBuffer(data), false));
            await(vol.write(8 * MIB, Unpooled.wrappedBuffer(data), false));
            await(vol.discard(8 * MIB + 256 * 1024, 512 * 1024));
            assertEquals(List.of(
                    new Allocation(0, 2 * MIB, false),
                    new Allocation(2 * MIB, 2 * MIB, true),
                    new Allocation(4 * MIB, 4 * MIB, false),
                    new Allocation(8 * MIB, 256 * 1024, true),
                    new Allocation(8 * MIB + 256 * 1024, 512 * 1024, false),
                    new Allocation(8 * MIB + 768 * 1024, 256 * 1024, true),
                    new Allocation(9 * MIB, 7 * MIB, false)),
                    await(vol.allocation(0, 16 * MIB, 100)));
            assertEquals(List.of(new Allocation(3 * MIB, MIB, true), new Allocation(4 * MIB, 4 * MIB, false)),
                    await(vol.allocation(3 * MIB, 13 * MIB, 2)), "from the asked offset, whole runs, at most 2");
            assertEquals(List.of(new Allocation(5 * MIB, MIB, false)), await(vol.allocation(5 * MIB, MIB, 4)),
                    "cut at the end of the asked range");
        }
    }

    @Test
    void allocationCountsABlockWithAnyDataInItAsData() throws Exception {
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), 4 * MIB, 512, io)) {
            byte[] block = new byte[512];
            Arrays.fill(block, (byte) 1);
            await(vol.write(MIB + 512, Unpooled.wrappedBuffer(block), false));
            List<Allocation> runs = await(vol.allocation(0, 4 * MIB, 10));
            assertEquals(3, runs.size(), runs::toString);
            assertFalse(runs.get(0).allocated());
            assertTrue(runs.get(1).allocated());
            assertTrue(runs.get(1).offset() <= MIB + 512 && runs.get(1).end() >= MIB + 1024,
                    "the written block lies in the data run: " + runs);
            assertTrue(runs.get(1).length() <= 64 * 1024, "only the file-system block around it: " + runs);
            assertFalse(runs.get(2).allocated());
            assertEquals(4 * MIB, runs.get(2).end());
        }
    }

    @Test
    void withoutHoleInformationEverythingIsAllocated() throws Exception {
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), 4 * MIB, 512, io, false)) {
            assertEquals(List.of(new Allocation(512, 4 * MIB - 1024, true)),
                    await(vol.allocation(512, 4 * MIB - 1024, 10)));
        }
    }

    @Test
    void allocationRefusesUnalignedAndOutOfRangeQueries() throws Exception {
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), MIB, 512, io)) {
            assertInstanceOf(VolumeException.class, failure(vol.allocation(100, 512, 1)));
            assertInstanceOf(VolumeException.class, failure(vol.allocation(0, 2 * MIB, 1)));
            assertInstanceOf(VolumeException.class, failure(vol.allocation(0, 512, 0)));
        }
    }

    @Test
    void withoutHolePunchingDiscardWritesZeros() throws Exception {
        byte[] data = new byte[(int) (3 * MIB)];
        Arrays.fill(data, (byte) 0x11);
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), 4 * MIB, 512, io, false)) {
            assertFalse(vol.punchesHoles());
            await(vol.write(0, Unpooled.wrappedBuffer(data), false));
            await(vol.discard(512, 2 * MIB + 1024)); // spans more than one run of the zero buffer
            byte[] expected = data.clone();
            Arrays.fill(expected, 512, 512 + (int) (2 * MIB) + 1024, (byte) 0);
            assertArrayEquals(expected, bytes(await(vol.read(0, (int) (3 * MIB), ALLOC))));
        }
    }

    @Test
    void closeWaitsForRunningWritesThenRefusesNewOnes() throws Exception {
        ManualExecutor manual = new ManualExecutor();
        Path file = dir.resolve("v.img");
        FileVolume vol = FileVolume.open(file, MIB, 512, manual);
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 7);
        CompletableFuture<Void> pending = vol.write(0, Unpooled.wrappedBuffer(data), false);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(vol::close);
        // close() must not return while the write is queued; run it, then close can finish.
        org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(vol::closing);
        assertFalse(closed.isDone(), "close() returned while a write was still queued");
        manual.runAll();
        await(closed);
        await(pending);

        ByteBuf late = Unpooled.wrappedBuffer(new byte[512]);
        Throwable t = failure(vol.write(0, late, false));
        assertInstanceOf(VolumeException.class, t);
        assertTrue(((VolumeException) t).retryable());
        assertEquals(0, late.refCnt(), "a write refused after close is released");
        assertInstanceOf(VolumeException.class, failure(vol.read(0, 512, ALLOC)));
        assertInstanceOf(VolumeException.class, failure(vol.flush()));

        try (FileVolume again = FileVolume.open(file, MIB, 512, io)) {
            assertArrayEquals(data, bytes(await(again.read(0, 512, ALLOC))));
        }
    }

    @Test
    void aWriteTheExecutorRefusesIsReleasedAndRetryable() throws Exception {
        ExecutorService dead = Executors.newSingleThreadExecutor();
        dead.shutdown();
        try (FileVolume vol = FileVolume.open(dir.resolve("v.img"), MIB, 512, dead)) {
            ByteBuf buf = ALLOC.directBuffer(512).writeZero(512);
            Throwable t = failure(vol.write(0, buf, false));
            assertInstanceOf(VolumeException.class, t);
            assertTrue(((VolumeException) t).retryable());
            assertEquals(0, buf.refCnt());
        }
    }
}
