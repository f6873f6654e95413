package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.record.PersistGate;
import net.twinblock.mirror.record.PersistHold;
import net.twinblock.mirror.record.RecordKeeper;
import net.twinblock.mirror.record.RecordSettings;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The predictive record wired through a real pair over loopback TCP (DESIGN sections 4 and 5). */
class RecordWiringTest {

    private static final RecordSettings SETTINGS = new RecordSettings(64 * 1024, 8, 0, 64);

    @TempDir
    Path dir;

    private PairNode start(PairHarness h, PairConfig cfg, FileVolume v, PersistGate gate) {
        RecordKeeper keeper = new RecordKeeper(dir.resolve(v.file().getFileName() + ".record"), SETTINGS, v.size(),
                h.io, gate, Duration.ofSeconds(5));
        return PairNode.start(cfg, v, h.group, NioServerSocketChannel.class, NioSocketChannel.class,
                PairOptions.defaults().withVolumeCreated(true).withRecord(keeper));
    }

    @Test
    void aWriteIsNotAcknowledgedUntilBothRecordCopiesAreDurable() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            PersistHold secondaryHold = new PersistHold();
            PairNode secondary = start(h, PairHarness.secondaryConfig(), h.volume("s.img"), secondaryHold);
            PairNode primary = start(h, PairHarness.primaryConfig(secondary.listenAddress()), h.volume("p.img"),
                    PersistGate.OPEN);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> primary.state() == PairState.IN_SYNC
                        && secondary.state() == PairState.IN_SYNC);
                secondaryHold.hold();
                byte[] bytes = PairHarness.random(4096, 1);
                CompletableFuture<Void> w = primary.volume().write(0, PairHarness.data(bytes), false);
                await().atMost(Duration.ofSeconds(10)).until(() -> secondaryHold.waiting() == 1);
                assertFalse(w.isDone(), "the write waits for the secondary's record copy");
                assertEquals(1L, primary.metrics().get("record.misses"));

                secondaryHold.release();
                w.get(10, TimeUnit.SECONDS);
                assertTrue(secondary.metrics().get("record.applied") >= 1L);
                // The same extent again is a hit: no record I/O, no wait.
                primary.volume().write(4096, PairHarness.data(bytes), false).get(10, TimeUnit.SECONDS);
                assertEquals(1L, primary.metrics().get("record.hits"));
                assertEquals(1L, primary.metrics().get("record.writes"));
            } finally {
                secondaryHold.release();
                primary.close();
                secondary.close();
            }
        }
    }

    @Test
    void aReadAtTheSecondaryOnARecordedExtentAsksThePrimaryAndOthersAreLocal() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode secondary = start(h, PairHarness.secondaryConfig(), h.volume("s.img"), PersistGate.OPEN);
            PairNode primary = start(h, PairHarness.primaryConfig(secondary.listenAddress()), h.volume("p.img"),
                    PersistGate.OPEN);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> primary.state() == PairState.IN_SYNC
                        && secondary.state() == PairState.IN_SYNC);
                byte[] bytes = PairHarness.random(4096, 2);
                primary.volume().write(0, PairHarness.data(bytes), false).get(10, TimeUnit.SECONDS);

                assertArrayEquals(bytes, read(secondary, 0));
                assertEquals(1L, secondary.metrics().get("record.reads_after_status_query"));

                read(secondary, 8L * 1024 * 1024); // far from any written extent
                assertEquals(1L, secondary.metrics().get("record.reads_local"));
            } finally {
                primary.close();
                secondary.close();
            }
        }
    }

    private static byte[] read(PairNode node, long offset) throws Exception {
        ByteBuf b = node.volume().read(offset, 4096, PooledByteBufAllocator.DEFAULT).get(10, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }
}
