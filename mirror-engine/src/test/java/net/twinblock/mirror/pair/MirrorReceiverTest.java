package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.Discard;
import net.twinblock.mirror.link.SmallWrite;
import net.twinblock.mirror.link.WriteAck;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Journal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import net.twinblock.mirror.record.ReadGate;

/**
 * The secondary's receive path: writes and discards go through the journal in arrival order and
 * are acknowledged once journaled; the volume ends as the primary ordered them.
 */
@ExtendWith(LeakGuard.class)
class MirrorReceiverTest {

    /** Runs I/O only when told: makes the interleaving deterministic. */
    private static final class StepExecutor extends AbstractExecutorService {
        final Queue<Runnable> queue = new ArrayDeque<>();
        boolean down;

        @Override
        public synchronized void execute(Runnable r) {
            queue.add(r);
        }

        void runAll() {
            Runnable r;
            while ((r = poll()) != null) {
                r.run();
            }
        }

        synchronized Runnable poll() {
            return queue.poll();
        }

        synchronized int queued() {
            return queue.size();
        }

        @Override
        public synchronized void shutdown() {
            down = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            down = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return down;
        }

        @Override
        public boolean isTerminated() {
            return down;
        }

        @Override
        public boolean awaitTermination(long t, TimeUnit u) {
            return true;
        }
    }

    @TempDir
    Path dir;
    private final StepExecutor io = new StepExecutor();
    private FileVolume volume;
    private Journal journal;
    private EmbeddedChannel link;

    @BeforeEach
    void setUp() {
        volume = FileVolume.open(dir.resolve("s.img"), 1 << 20, 512, io);
        PairMetadata meta = PairMetadata.open(dir.resolve("s.img.meta"), false, Runnable::run);
        // The journal's work on the test's thread: appends, acks and applies happen as the frames arrive.
        journal = Journal.open(volume, Journal.MIN_MAX_SIZE, Runnable::run);
        SecondaryVolume forwarder = new SecondaryVolume(volume, () -> null, () -> false, ReadGate.OPEN);
        link = new EmbeddedChannel(new MirrorReceiver(journal, volume, new RangeLock(), meta,
                CompletableFuture.completedFuture(null), forwarder, syncing -> { }, new LongAdder(), new LongAdder()));
    }

    @AfterEach
    void tearDown() {
        link.finishAndReleaseAll();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(journal::close); // frees: a volume fdatasync
        while (!closed.isDone()) {
            io.runAll();
            Thread.onSpinWait();
        }
        io.runAll();
        volume.close();
    }

    private static ByteBuf filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return Unpooled.directBuffer(length).writeBytes(b);
    }

    private int ack() {
        link.runPendingTasks(); // acks leave in one flush per event-loop turn
        WriteAck a = assertInstanceOf(WriteAck.class, link.readOutbound());
        assertEquals(AckStatus.OK, a.status());
        return a.sequence();
    }

    @Test
    void overlappingWritesLandInArrivalOrderAndEachIsAcknowledgedOnceJournaled() throws Exception {
        link.writeInbound(new SmallWrite(1, 0, false, filled(4096, 'a')));
        link.writeInbound(new SmallWrite(2, 2048, false, filled(4096, 'b'))); // overlaps 1
        link.writeInbound(new SmallWrite(3, 65536, false, filled(512, 'c'))); // disjoint
        assertEquals(1, ack());
        assertEquals(2, ack());
        assertEquals(3, ack());
        assertNull(link.readOutbound());
        assertEquals(0, io.queued(), "no volume I/O task: the journal applied the writes itself");
        assertEquals(3, journal.entries());

        byte[] expected = new byte[6144];
        Arrays.fill(expected, 0, 2048, (byte) 'a');
        Arrays.fill(expected, 2048, 6144, (byte) 'b');
        assertArrayEquals(expected, read(0, 6144));
    }

    private byte[] read(long offset, int length) throws Exception {
        CompletableFuture<ByteBuf> read = volume.read(offset, length, PooledByteBufAllocator.DEFAULT);
        io.runAll();
        ByteBuf got = read.get(1, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(got);
        } finally {
            got.release();
        }
    }

    @Test
    void aDiscardLandsAfterTheWriteItOverlapsAndOutOfRangeIsRefused() throws Exception {
        link.writeInbound(new SmallWrite(1, 0, false, filled(4096, 'a')));
        link.writeInbound(new Discard(2, 0, 4096));
        assertEquals(1, ack());
        assertEquals(2, ack());
        assertArrayEquals(new byte[4096], read(0, 4096));
        link.writeInbound(new SmallWrite(3, 1 << 20, false, filled(512, 'x')));
        link.runPendingTasks();
        WriteAck refused = assertInstanceOf(WriteAck.class, link.readOutbound());
        assertEquals(AckStatus.OUT_OF_RANGE, refused.status());
    }

    @Test
    void aWriteTheVolumeCannotTakeIsRefusedBeforeItIsJournaled() {
        link.writeInbound(new SmallWrite(1, 100, false, filled(512, 'u'))); // not block-aligned
        link.runPendingTasks();
        WriteAck refused = assertInstanceOf(WriteAck.class, link.readOutbound());
        assertEquals(AckStatus.IO_ERROR, refused.status());
        assertEquals(0, journal.entries());
    }

    @Test
    void aWriteArrivingWhileThisNodeStopsClosesTheLinkUnanswered() {
        CompletableFuture<Void> closed = CompletableFuture.runAsync(journal::close); // a volume fdatasync
        while (!closed.isDone()) {
            io.runAll();
            Thread.onSpinWait();
        }
        link.writeInbound(new SmallWrite(1, 0, false, filled(512, 'a')));
        link.runPendingTasks();
        assertNull(link.readOutbound(), "no NOT READY for the host: the primary re-sends or goes on alone");
        assertFalse(link.isOpen());
    }

    @Test
    void aFullDiskIsAcknowledgedAsNoSpaceByItsTypeNotItsText() {
        assertEquals(AckStatus.NO_SPACE, MirrorReceiver.status(new java.util.concurrent.CompletionException(
                new net.twinblock.mirror.store.VolumeException("pwrite failed", false,
                        new java.io.IOException("No space left on device")))));
        assertEquals(AckStatus.NO_SPACE, MirrorReceiver.status(new net.twinblock.mirror.store.VolumeException(
                "a message that says nothing of space", net.twinblock.mirror.store.VolumeException.Fault.NO_SPACE,
                null)));
        assertEquals(AckStatus.IO_ERROR, MirrorReceiver.status(new net.twinblock.mirror.store.VolumeException(
                "pwrite failed", false, new java.io.IOException("Input/output error"))));
        assertEquals(AckStatus.NOT_READY, MirrorReceiver.status(new net.twinblock.mirror.store.VolumeException(
                "closed", true)));
    }
}
