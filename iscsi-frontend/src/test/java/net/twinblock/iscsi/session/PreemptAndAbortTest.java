package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.iscsi.CommandObserver;
import net.twinblock.iscsi.IscsiTarget;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.lun.BlockStorage;
import net.twinblock.iscsi.lun.LogicalUnit;
import net.twinblock.iscsi.lun.LunIdentity;
import net.twinblock.iscsi.lun.PortGroup;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.reservation.ReservationStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PREEMPT AND ABORT through the real target: the preempted initiator's write, held in storage,
 * is aborted (no status reaches it) before the preempting command gets GOOD.
 */
class PreemptAndAbortTest {

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final long KEY_A = 0xa1;
    private static final long KEY_B = 0xb2;
    private static final int WRITE_EXCLUSIVE = 1;
    private static final int GOOD = 0;
    private static final int CHECK_CONDITION = 2;

    private NioEventLoopGroup group;
    private MemoryStorage memory;
    private IscsiTarget target;
    private InetSocketAddress address;
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private final AtomicInteger writesStarted = new AtomicInteger();

    /** The memory disk, with writes that can be held "in storage". */
    private final class GatedStorage implements BlockStorage {
        @Override
        public int blockSize() {
            return memory.blockSize();
        }

        @Override
        public long blockCount() {
            return memory.blockCount();
        }

        @Override
        public CompletableFuture<ByteBuf> read(long lba, int blocks, ByteBufAllocator alloc) {
            return memory.read(lba, blocks, alloc);
        }

        @Override
        public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
            writesStarted.incrementAndGet();
            return gate.thenCompose(v -> memory.write(lba, data, fua));
        }

        @Override
        public CompletableFuture<Void> flush() {
            return memory.flush();
        }

        @Override
        public CompletableFuture<Void> unmap(long lba, long blocks) {
            return memory.unmap(lba, blocks);
        }
    }

    @BeforeEach
    void start() {
        group = new NioEventLoopGroup(2);
        memory = new MemoryStorage(512, 64);
        byte[] naa = new byte[16];
        naa[0] = 0x60;
        Map<Integer, LogicalUnit> luns = Map.of(0,
                new LogicalUnit(0, new LunIdentity(naa, "TB-PR-0"), new GatedStorage(), PortGroup.standalone()));
        IscsiTargetConfig cfg = new IscsiTargetConfig(TestInitiator.TARGET, null,
                List.of(new InetSocketAddress("127.0.0.1", 0)), 1, ChapConfig.NONE, luns,
                IscsiTargetConfig.DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH, IscsiTargetConfig.DEFAULT_FIRST_BURST_LENGTH,
                IscsiTargetConfig.DEFAULT_MAX_BURST_LENGTH, IscsiTargetConfig.DEFAULT_MAX_OUTSTANDING_R2T, 128,
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(5));
        target = new IscsiTarget(cfg, CommandObserver.NONE, ReservationStore.IN_MEMORY);
        target.start(group, NioServerSocketChannel.class);
        address = target.boundPortals().get(0);
    }

    @AfterEach
    void stop() {
        gate.complete(null);
        target.close();
        memory.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void preemptAndAbortEndsTheHoldersWriteBeforeGood() {
        try (TestInitiator a = TestInitiator.connect(group, address);
             TestInitiator b = TestInitiator.connect(group, address)) {
            a.loginOk(0x400001000001L, "iqn.2026-11.test:node-a");
            b.loginOk(0x400001000002L, "iqn.2026-11.test:node-b");
            clearUnitAttention(a);
            clearUnitAttention(b);
            assertEquals(GOOD, prout(a, 0, 0, 0, KEY_A));
            assertEquals(GOOD, prout(b, 0, 0, 0, KEY_B));
            assertEquals(GOOD, prout(a, 1, WRITE_EXCLUSIVE, KEY_A, 0));

            gate = new CompletableFuture<>();
            int writeItt = a.newItt();
            a.send(a.command(writeItt, TestInitiator.write10(0, 1), 512,
                    Bhs.FLAG_FINAL | Bhs.ScsiCommand.FLAG_WRITE, new byte[512]));
            await().until(() -> writesStarted.get() == 1);

            int preemptItt = b.newItt();
            b.send(b.command(preemptItt, cdb(5, WRITE_EXCLUSIVE), 24,
                    Bhs.FLAG_FINAL | Bhs.ScsiCommand.FLAG_WRITE, parameters(KEY_B, KEY_A)));
            assertNull(b.poll(QUIET), "PREEMPT AND ABORT waits for the preempted write to leave storage");
            gate.complete(null);
            assertEquals(GOOD, TargetHarness.status(b, preemptItt));
            assertNull(a.poll(QUIET), "the aborted write gets no status");

            int tur = a.newItt();
            a.send(a.command(tur, new byte[6], 0, Bhs.FLAG_FINAL, null));
            assertEquals(CHECK_CONDITION, TargetHarness.status(a, tur), "REGISTRATIONS PREEMPTED");
        }
    }

    private static void clearUnitAttention(TestInitiator i) {
        for (int n = 0; n < 2; n++) {
            int itt = i.newItt();
            i.send(i.command(itt, new byte[6], 0, Bhs.FLAG_FINAL, null));
            TargetHarness.status(i, itt);
        }
    }

    private static int prout(TestInitiator i, int action, int type, long key, long sark) {
        int itt = i.newItt();
        i.send(i.command(itt, cdb(action, type), 24, Bhs.FLAG_FINAL | Bhs.ScsiCommand.FLAG_WRITE,
                parameters(key, sark)));
        return TargetHarness.status(i, itt);
    }

    private static byte[] cdb(int action, int type) {
        return new byte[] {0x5f, (byte) action, (byte) type, 0, 0, 0, 0, 0, 24, 0};
    }

    private static byte[] parameters(long key, long sark) {
        return ByteBuffer.allocate(24).putLong(key).putLong(sark).array();
    }
}
