package net.twinblock.mirror.pair;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
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
 *
 * <p>One point in flight: a cut asked for while the last point is not yet acknowledged is owed and
 * made at that acknowledgement, so points coalesce (a host flushing after every write gets a point
 * per point's apply, not per flush) and the secondary's appending never waits behind a second point.
 * A flush's point also waits until {@code cp.flush-spacing} has passed since the last cut ({@link
 * #untilDue}): the journal holds a flushed write durably already, and a point per flush (two to
 * three fdatasyncs on the secondary) doubled a flushing host's latency for an image a few
 * milliseconds fresher.
 */
final class PointCutter {

    /** References per frame: 64 KiB of payload, well inside any peer's frame limit. */
    static final int FRAME_REFERENCES = 4096;

    private final ChangedBlocks changed;
    private final long maxBytes;
    private final long spacingNanos;
    private final LongSupplier clock;
    /** {@link #clock} at the last cut; meaningful once {@link #next} is past 1. */
    private long lastCut;
    private int next = 1;
    /** The point sent and not yet acknowledged, or 0. */
    private int inFlight;
    /** A cut was asked for while {@link #inFlight}: made at its acknowledgement. */
    private boolean owed;

    final LongAdder points = new LongAdder();
    final LongAdder blocksByReference = new LongAdder();
    final LongAdder blocksPartial = new LongAdder();

    PointCutter(int blockSize, long maxBytes) {
        this(blockSize, maxBytes, 0, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} */
    PointCutter(int blockSize, long maxBytes, long spacingNanos, LongSupplier clock) {
        this.changed = new ChangedBlocks(blockSize);
        this.maxBytes = maxBytes;
        this.spacingNanos = spacingNanos;
        this.clock = clock;
    }

    /**
     * Nanoseconds until a flush's point may be cut ({@code cp.flush-spacing} after the last cut),
     * 0 if now; the caller that waits {@link #owe}s it meanwhile.
     */
    long untilDue() {
        if (next == 1) {
            return 0;
        }
        return Math.max(0, lastCut + spacingNanos - clock.getAsLong());
    }

    /** A cut is asked for and made later: at the answer to the point in flight, or by the caller's timer. */
    void owe() {
        owed = true;
    }

    /** A write or discard of transfer {@code transfer} goes on the link. */
    void sent(int transfer, long offset, long length) {
        changed.written(transfer, offset, length);
    }

    /** True once the writes since the last point reach {@code cp.max-bytes}. */
    boolean full() {
        return changed.hostBytes() >= maxBytes;
    }

    /**
     * The frames of the next point; none if nothing changed since the last one, or if a point is
     * still in flight (the cut is then owed: {@link #acked}).
     */
    List<PeerMessage> cut() {
        if (inFlight != 0) {
            owed = true;
            return List.of();
        }
        owed = false;
        Manifest m = changed.cut();
        if (m.isEmpty()) {
            return List.of();
        }
        lastCut = clock.getAsLong();
        int point = next++;
        inFlight = point;
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

    /** The secondary answered point {@code point}: true if a cut is owed now. */
    boolean acked(int point) {
        if (point != inFlight) {
            return false; // an answer on a link that has since gone
        }
        inFlight = 0;
        boolean cut = owed;
        owed = false;
        return cut;
    }

    /**
     * A new link: the point in flight on the old one will not be answered, so a cut is owed now;
     * true if one is (one was in flight, or asked for).
     */
    boolean relinked() {
        if (inFlight != 0) {
            inFlight = 0;
            owed = true;
        }
        return owed;
    }

    /** True if a point was asked for while one was in flight and is not cut yet. */
    boolean owed() {
        return owed;
    }
}
