package net.twinblock.mirror.pair;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executor;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.BlockRequest;
import net.twinblock.mirror.link.HashBatchFrame;
import net.twinblock.mirror.resync.BlockHasher;
import net.twinblock.mirror.resync.DifferingBlocks;
import net.twinblock.mirror.resync.ChecksumAlgorithm;
import net.twinblock.mirror.resync.ChecksumComparator;
import net.twinblock.mirror.resync.HashBatch;
import net.twinblock.mirror.resync.ScanGeometry;
import net.twinblock.mirror.store.Volume;

/**
 * The secondary's end of a checksum comparison: hashes the regions a HASH_BATCH names on its own
 * volume and answers BLOCK_REQUEST with the blocks whose hashes differ. The read runs on the
 * volume's I/O threads, the hashing on the node's low-priority scan thread: neither on the event
 * loop nor on a thread that host I/O and mirrored writes wait for. It hashes exactly the regions
 * the primary named, so the primary's batch size bounds what one request costs here. Sits in
 * front of the mirror handler and takes only HASH_BATCH frames.
 */
final class HashRequests extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(HashRequests.class.getName());

    private final Volume local;
    private final Executor hashing;

    HashRequests(Volume local, Executor hashing) {
        this.local = local;
        this.hashing = hashing;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HashBatchFrame f)) {
            ctx.fireChannelRead(msg); // not ours: the mirror handler's (and its to release)
            return;
        }
        ChecksumAlgorithm alg = PeerHashComparison.algorithm(f.algorithm());
        BlockHasher hasher;
        HashBatch theirs;
        try {
            if (alg == null) {
                throw new IllegalArgumentException("unknown checksum code " + f.algorithm());
            }
            ScanGeometry g = new ScanGeometry(local.size(), local.blockSize(), f.blocksPerRegion());
            hasher = new BlockHasher(local, alg, g, PooledByteBufAllocator.DEFAULT, hashing);
            theirs = new HashBatch(alg, f.firstRegion(), f.count(), f.hashes());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "cannot compare the primary''s hashes: {0}", e.getMessage());
            ctx.writeAndFlush(new BlockRequest(f.id(), AckStatus.IO_ERROR, new long[0]));
            return;
        }
        ChecksumComparator comparator = new ChecksumComparator(hasher.geometry());
        hasher.hash(f.firstRegion(), f.count()).thenApply(mine -> comparator.differing(theirs, mine))
                .whenComplete((ranges, err) -> {
                    if (err != null) {
                        LOG.log(Level.WARNING, "cannot compare the primary''s hashes: {0}", err.toString());
                        ctx.writeAndFlush(new BlockRequest(f.id(), AckStatus.IO_ERROR, new long[0]));
                    } else {
                        ctx.writeAndFlush(new BlockRequest(f.id(), AckStatus.OK, flatten(ranges)));
                    }
                });
    }

    private static long[] flatten(List<DifferingBlocks> ranges) {
        long[] out = new long[ranges.size() * 2];
        for (int i = 0; i < ranges.size(); i++) {
            out[2 * i] = ranges.get(i).first();
            out[2 * i + 1] = ranges.get(i).count();
        }
        return out;
    }
}
