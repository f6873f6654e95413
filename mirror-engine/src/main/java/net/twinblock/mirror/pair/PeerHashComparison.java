package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.BlockRequest;
import net.twinblock.mirror.link.HashBatchFrame;
import net.twinblock.mirror.resync.DifferingBlocks;
import net.twinblock.mirror.resync.ChecksumAlgorithm;
import net.twinblock.mirror.resync.HashBatch;
import net.twinblock.mirror.resync.HashComparison;
import net.twinblock.mirror.store.VolumeException;

/**
 * The primary's end of a checksum comparison over one link: each {@link HashBatch} goes out as a
 * HASH_BATCH frame and the secondary's BLOCK_REQUEST with the same id answers it. Sits in the
 * link's pipeline in front of the mirror handler and takes only BLOCK_REQUEST frames; a link
 * that closes fails every comparison still waiting (retryable: the scan stops and resumes).
 */
final class PeerHashComparison extends ChannelInboundHandlerAdapter {

    private final Channel link;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<List<DifferingBlocks>>> waiting = new ConcurrentHashMap<>();

    PeerHashComparison(Channel link) {
        this.link = link;
    }

    /** Comparisons of regions of {@code blocksPerRegion} blocks (the hashes say nothing of their geometry). */
    HashComparison regionsOf(int blocksPerRegion) {
        return batch -> compare(batch, blocksPerRegion);
    }

    /** The wire code of an algorithm: its position in ChecksumAlgorithm, which never reorders. */
    static int code(ChecksumAlgorithm a) {
        return a.ordinal();
    }

    static ChecksumAlgorithm algorithm(int code) {
        ChecksumAlgorithm[] all = ChecksumAlgorithm.values();
        return code >= 0 && code < all.length ? all[code] : null;
    }

    CompletableFuture<List<DifferingBlocks>> compare(HashBatch batch, int blocksPerRegion) {
        CompletableFuture<List<DifferingBlocks>> answer = new CompletableFuture<>();
        if (!link.isActive()) {
            answer.completeExceptionally(new VolumeException("mirror link lost during the checksum scan", true));
            return answer;
        }
        int id = ids.incrementAndGet();
        waiting.put(id, answer);
        link.writeAndFlush(new HashBatchFrame(id, batch.firstRegion(), code(batch.algorithm()), blocksPerRegion,
                batch.count(), batch.hashes())).addListener(f -> {
                    if (!f.isSuccess()) {
                        fail(id, new VolumeException("cannot send hashes to the secondary: " + f.cause(), true));
                    }
                });
        if (!link.isActive()) {
            fail(id, new VolumeException("mirror link lost during the checksum scan", true));
        }
        return answer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof BlockRequest r)) {
            ctx.fireChannelRead(msg); // not ours: the mirror handler's (and its to release)
            return;
        }
        CompletableFuture<List<DifferingBlocks>> answer = waiting.remove(r.id());
        if (answer == null) {
            return; // an answer after we gave up; nothing to release (no buffers in it)
        }
        if (r.status() != AckStatus.OK) {
            answer.completeExceptionally(new VolumeException("the secondary could not compare hashes: " + r.status(),
                    r.status() == AckStatus.NOT_READY));
            return;
        }
        List<DifferingBlocks> ranges = new ArrayList<>(r.ranges().length / 2);
        long[] v = r.ranges();
        for (int i = 0; i < v.length; i += 2) {
            ranges.add(new DifferingBlocks(v[i], v[i + 1]));
        }
        answer.complete(ranges);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Integer id : List.copyOf(waiting.keySet())) {
            fail(id, new VolumeException("mirror link lost during the checksum scan", true));
        }
        ctx.fireChannelInactive();
    }

    private void fail(int id, Throwable e) {
        CompletableFuture<List<DifferingBlocks>> answer = waiting.remove(id);
        if (answer != null) {
            answer.completeExceptionally(e);
        }
    }
}
