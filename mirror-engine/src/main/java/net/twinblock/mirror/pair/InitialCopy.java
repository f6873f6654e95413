package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.util.ByteProcessor;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import net.twinblock.mirror.store.Failures;

/**
 * Streams the whole primary volume to a secondary that needs it (new, or not known identical),
 * in the background while host writes keep being mirrored. Each chunk is read and sent under the
 * same range lock host writes take: a host write to a chunk being copied waits, and a chunk
 * waiting behind a host write reads the new data, so the older copy never overwrites a newer
 * write. All-zero chunks go as DISCARDs, which keeps a thin secondary thin. Copies are written
 * without FUA and made durable by one FLUSH on the same link at the end, before the pair is
 * declared in sync: until then a power cut of the secondary may take them back.
 */
final class InitialCopy {

    private static final Logger LOG = System.getLogger(InitialCopy.class.getName());
    static final int CHUNK = 1024 * 1024;
    static final int WINDOW = 4;

    private final MirroredVolume volume;
    private final Channel link;
    private final AtomicLong next = new AtomicLong();
    final AtomicLong done = new AtomicLong();
    final long total;

    InitialCopy(MirroredVolume volume, Channel link) {
        this.volume = volume;
        this.link = link;
        this.total = volume.size();
    }

    CompletableFuture<Void> run() {
        LOG.log(Level.INFO, "full copy of {0} bytes to the secondary {1} starts", total, link.remoteAddress());
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < WINDOW; i++) {
            workers.add(copyNext());
        }
        return CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new))
                .thenCompose(v -> volume.replicator().copyFlush(link)).whenComplete((ok, err) -> {
            if (err == null) {
                volume.replicator().copyDone(link);
            } else {
                LOG.log(Level.WARNING, "full copy to the secondary stopped after {0} of {1} bytes: {2}",
                        done.get(), total, Failures.volumeError(err).getMessage());
            }
        });
    }

    private CompletableFuture<Void> copyNext() {
        long offset = next.getAndAdd(CHUNK);
        if (offset >= total) {
            return CompletableFuture.completedFuture(null);
        }
        if (!volume.replicator().linkedOn(link)) {
            return CompletableFuture.failedFuture(new IllegalStateException("mirror link lost"));
        }
        int length = (int) Math.min(CHUNK, total - offset);
        return volume.ranges().acquire(offset, length).thenCompose(lease -> copy(offset, length)
                .whenComplete((ok, err) -> lease.close()))
                .thenCompose(v -> {
                    done.addAndGet(length);
                    return copyNext();
                });
    }

    private CompletableFuture<Void> copy(long offset, int length) {
        return volume.local().read(offset, length, PooledByteBufAllocator.DEFAULT).thenCompose(buf -> {
            if (allZero(buf)) {
                buf.release();
                return volume.replicator().discard(offset, length, true);
            }
            // Ownership of buf passes to the replicator, which releases it once acked.
            return volume.replicator().copyWrite(link, offset, buf);
        });
    }

    /** One bulk scan: per-byte getters cost a leak-detector record each under paranoid detection. */
    private static boolean allZero(ByteBuf buf) {
        return buf.forEachByte(ByteProcessor.FIND_NON_NUL) == -1;
    }
}
