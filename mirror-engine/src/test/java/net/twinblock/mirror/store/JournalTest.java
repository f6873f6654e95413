package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The secondary's journal: group commit, replay after a crash or a torn tail, and its space bound. */
@ExtendWith(LeakGuard.class)
class JournalTest extends JournalFixture {

    private FileVolume volume() {
        return volume(files);
    }

    static ByteBuf filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return Unpooled.directBuffer(length).writeBytes(b);
    }

    static byte[] bytes(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static byte[] read(FileVolume v, long offset, int length) throws Exception {
        return reading(v, offset, length).get(30, TimeUnit.SECONDS);
    }

    /** A read of the volume as a host's at the secondary, its bytes once it completes. */
    static CompletableFuture<byte[]> reading(FileVolume v, long offset, int length) {
        return v.read(offset, length, PooledByteBufAllocator.DEFAULT).thenApply(got -> {
            try {
                return ByteBufUtil.getBytes(got);
            } finally {
                got.release();
            }
        });
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("lun0.img.journal.")).sorted().toList();
        }
    }

    @Test
    void entriesQueuedTogetherShareOneAppendAndOneFdatasync() throws Exception {
        ManualExecutor runner = new ManualExecutor();
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, runner, false);
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                acks.add(j.write(i, i * 4096L, filled(4096, i + 1), i % 2 == 0)); // every other one FUA
            }
            assertEquals(1, runner.queued(), "one turn of the journal thread for all ten");
            assertFalse(acks.get(0).isDone(), "acknowledged only once appended");
            runner.runAll();
            for (CompletableFuture<Void> a : acks) {
                assertTrue(a.isDone() && !a.isCompletedExceptionally());
            }
            assertEquals(10, j.entries());
            assertEquals(1, j.batches());
            assertEquals(1, j.syncs(), "five FUA writes, one fdatasync");
            assertTrue(j.applied().isDone());
            assertArrayEquals(bytes(4096, 10), read(v, 9 * 4096, 4096));
            CompletableFuture<Void> closed = CompletableFuture.runAsync(j::close);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                runner.runAll();
                return closed.isDone();
            });
        }
        assertEquals(List.of(), segments(), "a clean close leaves no journal");
    }

    /**
     * The receiver's way in (a listener per write, no future): told once, on the journal's turn;
     * told at once, with the reason, of a write refused; and a listener that throws stops nothing.
     */
    @Test
    void aWritesListenerIsToldOnceAndAThrowingOneStopsNothing() throws Exception {
        ManualExecutor runner = new ManualExecutor();
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, runner, false);
            List<Throwable> told = new ArrayList<>();
            Journal.Listener record = told::add;
            j.write(1, 0, filled(4096, 'a'), true, record);
            j.write(2, 4096, filled(4096, 'b'), false, failure -> {
                throw new IllegalStateException("a listener's bug");
            });
            j.write(3, 8192, filled(4096, 'c'), false, record);
            assertEquals(List.of(), told, "nothing before the journal's turn");
            runner.runAll();
            assertEquals(Arrays.asList(null, null), told, "each told once, past the one that threw");
            assertArrayEquals(bytes(4096, 'b'), read(v, 4096, 4096));

            j.write(4, 100, filled(512, 'x'), false, record); // not block-aligned: refused here and now
            assertEquals(3, told.size());
            assertTrue(told.get(2) instanceof VolumeException && told.get(2).getMessage().contains("not aligned"),
                    String.valueOf(told.get(2)));
            j.write(5, 12288, filled(4096, 'd'), false, record);
            runner.runAll();
            assertEquals(4, told.size());
            assertEquals(null, told.get(3));
            CompletableFuture<Void> closed = CompletableFuture.runAsync(j::close);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                runner.runAll();
                return closed.isDone();
            });
            j.write(6, 16384, filled(4096, 'e'), false, record);
            assertTrue(told.get(4) instanceof VolumeException, "a closed journal refuses: " + told.get(4));
        }
    }

    @Test
    void aPowerCutKeepsWhatAFlushCoveredAndReplayPutsItOnTheVolume() throws Exception {
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, false);
            j.write(1, 0, filled(4096, 'a'), false).get();
            j.write(2, 4096, filled(4096, 'b'), false).get();
            j.flush().get(); // the host's SYNCHRONIZE CACHE
            j.write(3, 8192, filled(4096, 'c'), false).get(); // acknowledged, no flush covers it
            files.powerCut(); // the volume's applied pages and the journal's unforced tail are gone
        }
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, false);
            assertEquals(2, j.replayed());
            assertArrayEquals(bytes(4096, 'a'), read(v, 0, 4096));
            assertArrayEquals(bytes(4096, 'b'), read(v, 4096, 4096));
            assertArrayEquals(new byte[4096], read(v, 8192, 4096), "never made durable: lost, as a page cache is");
            assertEquals(List.of(), segments(), "replayed segments are removed once the volume is durable");
            j.close();
        }
    }

    @Test
    void replayAppliesEverythingBeforeATornLastEntryAndDiscardsIt() throws Exception {
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, false);
            j.write(1, 0, filled(4096, 'a'), true).get();
            j.discard(2, 0, 512).get();
            j.write(3, 4096, filled(8192, 'b'), true).get();
            j.write(4, 0, filled(4096, 'z'), true).get(); // the one the cut tears
            files.powerCut();
        }
        Path segment = segments().get(0);
        long size = Files.size(segment);
        try (FileChannel f = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap(new byte[] {(byte) 0xff}), size - 100); // one bad byte in the last entry's data
        }
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, false);
            assertEquals(3, j.replayed());
            byte[] first = bytes(4096, 'a');
            Arrays.fill(first, 0, 512, (byte) 0); // the discard, in its place in the order
            assertArrayEquals(first, read(v, 0, 4096), "the torn write never reaches the volume");
            assertArrayEquals(bytes(8192, 'b'), read(v, 4096, 8192));
            j.close();
        }
        // A header cut short is torn as well.
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, false);
            j.write(5, 0, filled(512, 'q'), true).get();
            j.write(6, 512, filled(512, 'r'), true).get();
            files.powerCut();
        }
        segment = segments().get(0);
        try (FileChannel f = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            f.truncate(JournalEntry.HEADER + 512 + 20);
        }
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, false);
            assertEquals(1, j.replayed());
            assertArrayEquals(bytes(512, 'q'), read(v, 0, 512));
            j.close();
        }
    }

    @Test
    void aStalledVolumeHoldsBackLaterAcknowledgementsAndLosesNothing() throws Exception {
        GatedVolumeFiles gated = new GatedVolumeFiles();
        try (FileVolume v = volume(gated)) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, gated, null, false);
            int chunk = 64 * 1024;
            gated.close(); // the journal thread's writes to the volume wait at the gate
            CompletableFuture<Void> first = j.write(0, 0, filled(chunk, 1), false);
            first.get(30, TimeUnit.SECONDS); // appended and acknowledged; its apply now waits
            await().atMost(Duration.ofSeconds(30)).until(() -> gated.waiting() > 0);
            List<CompletableFuture<Void>> later = new ArrayList<>();
            for (int i = 1; i < 20; i++) { // more than the 1 MiB bound in all
                later.add(j.write(i, (long) i * chunk, filled(chunk, i + 1), false));
            }
            // Nothing more is acknowledged while the volume does not take the applied entries (a
            // journal that ran ahead of its applies would acknowledge them within this time).
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(30))
                    .until(() -> later.stream().noneMatch(CompletableFuture::isDone));
            gated.open();
            CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertTrue(j.bytes() <= Journal.MIN_MAX_SIZE, "the journal stays within its bound: " + j.bytes());
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(bytes(chunk, i + 1), read(v, (long) i * chunk, chunk), "write " + i);
            }
            j.close();
        }
    }

    /** The volume's writes wait while the gate is closed; every other file and call goes through. */
    private final class GatedVolumeFiles implements StorageFiles {
        /** Renames go through the fixture, whose pages follow the file. */
        @Override
        public void move(Path from, Path to) throws java.io.IOException {
            files.move(from, to);
        }

        private final java.util.concurrent.Semaphore gate = new java.util.concurrent.Semaphore(Integer.MAX_VALUE);
        private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

        void close() throws InterruptedException {
            gate.acquire(Integer.MAX_VALUE);
        }

        void open() {
            gate.release(Integer.MAX_VALUE);
        }

        int waiting() {
            return waiting.get();
        }

        @Override
        public StorageFile open(Path file) throws java.io.IOException {
            StorageFile f = files.open(file);
            if (!file.getFileName().toString().equals("lun0.img")) {
                return f;
            }
            return new ForwardingFile(f) {
                @Override
                public int write(ByteBuffer src, long position) throws java.io.IOException {
                    waiting.incrementAndGet();
                    gate.acquireUninterruptibly();
                    try {
                        return super.write(src, position);
                    } finally {
                        gate.release();
                        waiting.decrementAndGet();
                    }
                }
            };
        }
    }

    @Test
    void aFlushAfterFilledSegmentsWentVouchesForTheirEntriesThroughTheVolume() throws Exception {
        int chunk = 64 * 1024;
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, 4L << 20, files, null, false); // 1 MiB segments
            for (int i = 0; i < 48; i++) { // 3 MiB: at least two filled segments go once applied
                j.write(i, (long) i * chunk, filled(chunk, i + 1), false).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                j.write(48, 48L * chunk, filled(chunk, 49), false).get(30, TimeUnit.SECONDS);
                return segments().size() <= 2 && !segments().get(0).toString().endsWith("00000000000000000000");
            });
            j.flush().get(30, TimeUnit.SECONDS); // the host's SYNCHRONIZE CACHE
            files.powerCut(); // whatever no fdatasync covered is gone: the deleted segments cannot help
        }
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, 4L << 20, files, Runnable::run, false);
            for (int i = 0; i < 49; i++) {
                assertArrayEquals(bytes(chunk, i + 1), read(v, (long) i * chunk, chunk), "flushed write " + i);
            }
            j.close();
        }
    }

    @Test
    void aFlushForcesFilledSegmentsNotYetApplied() throws Exception {
        int chunk = 64 * 1024;
        try (FileVolume v = volume()) {
            // Held for consistency points: no entry reaches the volume before a point.
            Journal j = Journal.open(v, 8L << 20, files, null, true); // 2 MiB segments
            for (int i = 0; i < 40; i++) { // 2.5 MiB: the first segment fills and closes unforced
                j.write(i, (long) i * chunk, filled(chunk, i + 1), false).get(30, TimeUnit.SECONDS);
            }
            j.flush().get(30, TimeUnit.SECONDS);
            files.powerCut(); // the volume never got a byte; the journal must hold all 40
            j.close(); // writes nothing (the files are gone with the power), lets the held buffers go
        }
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, 8L << 20, files, Runnable::run, false);
            assertEquals(40, j.replayed(), "both segments were forced by the flush");
            for (int i = 0; i < 40; i++) {
                assertArrayEquals(bytes(chunk, i + 1), read(v, (long) i * chunk, chunk), "flushed write " + i);
            }
            j.close();
        }
    }

    /** Journal files whose writes fail as a full file system would while {@link #full} is set. */
    private final class FillingFiles implements StorageFiles {
        /** Renames go through the fixture, whose pages follow the file. */
        @Override
        public void move(Path from, Path to) throws java.io.IOException {
            files.move(from, to);
        }

        volatile boolean full;

        @Override
        public StorageFile open(Path file) throws java.io.IOException {
            StorageFile f = files.open(file);
            if (!file.getFileName().toString().contains(".journal.")) {
                return f;
            }
            return new ForwardingFile(f) {
                @Override
                public int write(ByteBuffer src, long position) throws java.io.IOException {
                    if (full) {
                        throw new java.io.IOException("No space left on device");
                    }
                    return super.write(src, position);
                }
            };
        }
    }

    @Test
    void aFullFileSystemFailsThatAppendAsNoSpaceAndTheJournalGoesOnAfterIt() throws Exception {
        FillingFiles filling = new FillingFiles();
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, filling, Runnable::run, false);
            j.write(1, 0, filled(512, 'a'), true).get();
            filling.full = true;
            CompletableFuture<Void> refused = j.write(2, 512, filled(512, 'b'), true);
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    refused::get);
            assertEquals(VolumeException.Fault.NO_SPACE, ((VolumeException) e.getCause()).fault());
            filling.full = false;
            j.write(3, 1024, filled(512, 'c'), true).get(); // not poisoned: room again, appends go on
            assertArrayEquals(bytes(512, 'c'), read(v, 1024, 512));
            files.powerCut();
        }
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, files, Runnable::run, false);
            assertEquals(2, j.replayed(), "the entry numbers stayed consecutive past the refused append");
            assertArrayEquals(bytes(512, 'a'), read(v, 0, 512));
            assertArrayEquals(new byte[512], read(v, 512, 512), "the refused write never landed");
            assertArrayEquals(bytes(512, 'c'), read(v, 1024, 512));
            j.close();
        }
    }

    @Test
    void filledSegmentsGoOnceAppliedWithoutHoldingAppendsOrSyncingTheVolume() throws Exception {
        try (FileVolume v = volume()) {
            Journal j = Journal.open(v, 4L << 20, files, null, false); // 1 MiB segments
            int chunk = 64 * 1024;
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // 2.5 MiB: two segments fill
                acks.add(j.write(i, (long) i * chunk, filled(chunk, i + 1), false));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            int[] next = {40};
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                // Segments go at the next append once applied: no fdatasync of the volume, none of a segment.
                j.write(next[0], (long) (next[0] % 60) * chunk, filled(chunk, 7), false).get(30, TimeUnit.SECONDS);
                next[0]++;
                return j.bytes() < 2L << 20 && segments().size() <= 2;
            });
            assertEquals(0, j.frees(), "the journal never filled up, so no append waited");
            assertEquals(0, j.syncs(), "nothing asked for durability, so nothing was forced");
            j.close();
            assertEquals(List.of(), segments());
            for (int i = 0; i < 40; i++) { // write i + 60, if there was one, rewrote chunk i
                assertArrayEquals(bytes(chunk, i + 60 < next[0] ? 7 : i + 1), read(v, (long) i * chunk, chunk),
                        "chunk " + i);
            }
        }
    }

    @Test
    void aMaxSizeBelowTheMinimumIsRefusedNamingTheKey() throws Exception {
        try (FileVolume v = volume()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Journal.open(v, 4096, files, Runnable::run, false));
            assertTrue(e.getMessage().contains("journal.max-size"), e.getMessage());
        }
    }
}
