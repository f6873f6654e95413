package net.twinblock.mirror.pair;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.BlockRequest;
import net.twinblock.mirror.link.HashBatchFrame;
import net.twinblock.mirror.resync.BlockHasher;
import net.twinblock.mirror.resync.DifferingBlocks;
import net.twinblock.mirror.resync.ChecksumAlgorithm;
import net.twinblock.mirror.resync.HashBatch;
import net.twinblock.mirror.resync.HashComparison;
import net.twinblock.mirror.resync.ScanGeometry;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.VolumeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checksum comparison across the link: the primary's hashes go out as HASH_BATCH, the
 * secondary hashes its own volume and names the blocks that differ in BLOCK_REQUEST.
 */
class ScanLinkTest {

    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;
    private final ExecutorService io = Executors.newFixedThreadPool(2, r -> new Thread(r, "volume-io"));
    /** The secondary's scan thread, where HashRequests hashes (never a volume I/O thread). */
    private final ExecutorService scan = Executors.newSingleThreadExecutor(r -> new Thread(r, "scan"));

    @AfterEach
    void stop() {
        io.shutdownNow();
        scan.shutdownNow();
    }

    private FileVolume volume(String name) {
        return FileVolume.open(dir.resolve(name), SIZE, 512, io);
    }

    @Test
    void theSecondaryNamesExactlyTheBlocksThatDiffer() throws Exception {
        try (FileVolume primary = volume("p.img"); FileVolume secondary = volume("s.img")) {
            primary.write(8 * 512, Unpooled.wrappedBuffer(fill(1024, 7)), false).get(); // blocks 8 and 9
            EmbeddedChannel toSecondary = new EmbeddedChannel();
            PeerHashComparison comparison = new PeerHashComparison(toSecondary);
            toSecondary.pipeline().addLast(comparison);
            List<String> hashedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
            EmbeddedChannel atSecondary = new EmbeddedChannel(new HashRequests(secondary, task -> scan.execute(() -> {
                hashedOn.add(Thread.currentThread().getName());
                task.run();
            })));

            HashComparison perBlock = comparison.regionsOf(1);
            ScanGeometry g = new ScanGeometry(SIZE, 512, 1);
            HashBatch mine = new BlockHasher(primary, ChecksumAlgorithm.SHA256, g, PooledByteBufAllocator.DEFAULT)
                    .hash(0, 64).get();
            CompletableFuture<List<DifferingBlocks>> answer = perBlock.compare(mine);

            HashBatchFrame sent = assertInstanceOf(HashBatchFrame.class, toSecondary.readOutbound());
            atSecondary.writeInbound(sent);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                atSecondary.runPendingTasks();
                return !atSecondary.outboundMessages().isEmpty();
            });
            BlockRequest reply = assertInstanceOf(BlockRequest.class, atSecondary.readOutbound());
            assertEquals(sent.id(), reply.id());
            toSecondary.writeInbound(reply);
            assertEquals(List.of(new DifferingBlocks(8, 2)), answer.get());
            assertEquals(List.of("scan"), hashedOn, "the secondary hashes on its scan thread, once per batch");
            atSecondary.finishAndReleaseAll();
            toSecondary.finishAndReleaseAll();
        }
    }

    @Test
    void aHashBatchTheSecondaryCannotUseIsAnsweredWithAnError() {
        try (FileVolume secondary = volume("s.img")) {
            EmbeddedChannel atSecondary = new EmbeddedChannel(new HashRequests(secondary, scan));
            atSecondary.writeInbound(new HashBatchFrame(3, 0, 0, 1, 4096, new byte[4096 * 4])); // past the end
            BlockRequest reply = assertInstanceOf(BlockRequest.class, atSecondary.readOutbound());
            assertEquals(AckStatus.IO_ERROR, reply.status());
            atSecondary.finishAndReleaseAll();
        }
    }

    @Test
    void aLostLinkFailsTheComparisonsStillWaitingAsRetryable() {
        EmbeddedChannel link = new EmbeddedChannel();
        PeerHashComparison comparison = new PeerHashComparison(link);
        link.pipeline().addLast(comparison);
        CompletableFuture<List<DifferingBlocks>> answer = comparison.regionsOf(1)
                .compare(new HashBatch(ChecksumAlgorithm.CRC32C, 0, 1, new byte[4]));
        link.close();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, answer::get);
        VolumeException v = assertInstanceOf(VolumeException.class, e.getCause());
        assertTrue(v.retryable());
        link.finishAndReleaseAll();
    }

    private static byte[] fill(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
