package net.twinblock.mirror.pair;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.mirror.link.BlockReference;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.link.PointManifest;
import net.twinblock.mirror.point.ChangedBlocks;
import net.twinblock.mirror.point.Manifest;

/**
 * The primary's side of consistency points for one volume (DESIGN section 6): told of every write
 * and discard as it goes on the link, it cuts the CP map into POINT_MANIFEST frames when the
 * {@link Replicator} asks (every {@code cp.interval}, at {@code cp.max-bytes}, after a host flush).
 * The replicator calls it under its lock, so a point's frames follow exactly the transfers it names.
 *
 * <p>Blocks written only in part are not sent: the secondary holds every entry since the last
 * point and applies the bytes of its held entries outside the manifest's blocks itself, in order,
 * which makes the partial block what the primary has, without reading it here under a write gate
 * and sending it a second time.
 */
final class PointCutter {

    /** References per frame: 64 KiB of payload, well inside any peer's frame limit. */
    static final int FRAME_REFERENCES = 4096;

    private final ChangedBlocks changed;
    private final long maxBytes;
    private int next = 1;

    final LongAdder points = new LongAdder();
    final LongAdder blocksByReference = new LongAdder();
    final LongAdder blocksPartial = new LongAdder();

    PointCutter(int blockSize, long maxBytes) {
        this.changed = new ChangedBlocks(blockSize);
        this.maxBytes = maxBytes;
    }

    /** A write or discard of transfer {@code transfer} goes on the link. */
    void sent(int transfer, long offset, long length) {
        changed.written(transfer, offset, length);
    }

    /** True once the writes since the last point reach {@code cp.max-bytes}. */
    boolean full() {
        return changed.hostBytes() >= maxBytes;
    }

    /** The frames of the next point, or none if nothing changed since the last one. */
    List<PeerMessage> cut() {
        Manifest m = changed.cut();
        if (m.isEmpty()) {
            return List.of();
        }
        int point = next++;
        List<BlockReference> refs = m.references();
        List<PeerMessage> frames = new ArrayList<>();
        for (int from = 0; from < refs.size() || frames.isEmpty(); from += FRAME_REFERENCES) {
            int to = Math.min(refs.size(), from + FRAME_REFERENCES);
            frames.add(new PointManifest(point, to < refs.size(), m.blockSize(), refs.subList(from, to), new long[0],
                    new byte[0]));
        }
        points.increment();
        blocksByReference.add(m.blocksByReference());
        blocksPartial.add(m.wholeBlocks().length);
        return frames;
    }
}
