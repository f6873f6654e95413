package net.twinblock.mirror.record;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.mirror.store.Failures;

/**
 * One node's predictive record across role changes, in one file ({@code <data.dir>/lun<N>.record}):
 * a {@link PredictiveRecord} while primary, a {@link SecondaryRecord} while secondary. Both use
 * the same file format, so a promoted secondary opens its copy of the old primary's record as its
 * own: the extents that may differ after the failover are known from the first write.
 *
 * <p>On the secondary it is the read gate of DESIGN section 4: a read touching no recorded extent
 * goes ahead at once; one touching a recorded extent first asks the primary, waiting at most
 * {@code readGateTimeout}, and then fails as retryable rather than return data that may be stale.
 */
public final class RecordKeeper implements PairRecord {

    private static final Logger LOG = System.getLogger(RecordKeeper.class.getName());

    private final Path file;
    private final RecordSettings settings;
    private final long volumeSize;
    private final Executor io;
    private final PersistGate gate;
    private final Duration readGateTimeout;
    private final boolean validAtStart;

    private final Object lock = new Object();
    private PredictiveRecord primary;
    private SecondaryRecord secondary;
    /** The extents the file held at startup (or at promotion): what a crash may have made differ. */
    private RecordSnapshot loaded;
    private boolean recovered;

    private final LongAdder readsLocal = new LongAdder();
    private final LongAdder readsQueried = new LongAdder();
    private final LongAdder queryNanos = new LongAdder();
    private final LongAdder queryFailures = new LongAdder();
    private final LongAdder resyncExtents = new LongAdder();

    /**
     * @param gate            before each persist of this node's file (tests hold it); {@link PersistGate#OPEN} in production
     * @param readGateTimeout how long a gated read on the secondary waits for the primary's answer
     */
    public RecordKeeper(Path file, RecordSettings settings, long volumeSize, Executor io, PersistGate gate,
            Duration readGateTimeout) {
        this.file = file;
        this.settings = settings;
        this.volumeSize = volumeSize;
        this.io = io;
        this.gate = gate;
        this.readGateTimeout = readGateTimeout;
        this.validAtStart = valid(file);
    }

    private static boolean valid(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            RecordFile.read(file);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "record file {0} is not usable ({1}): a crash now needs a full copy", file,
                    e.getMessage());
            return false;
        }
    }

    @Override
    public boolean holdsValidRecord() {
        return validAtStart;
    }

    @Override
    public WriteIntent becomePrimary(Function<byte[], CompletableFuture<Void>> replicate,
            Supplier<CompletableFuture<Void>> flushBoth) {
        synchronized (lock) {
            closeLocked();
            primary = PredictiveRecord.open(file, settings, volumeSize, s -> replicate.apply(s.toBytes()),
                    flushBoth::get, io, gate);
            loaded = RecordSnapshot.of(0, settings.extentSize(), primary.recordedExtents());
            if (recovered) {
                primary.recoveryComplete();
            }
            return new RecordWriteIntent(primary);
        }
    }

    @Override
    public ReadGate becomeSecondary(BiFunction<Long, Long, CompletableFuture<Void>> askPrimary) {
        SecondaryRecord r;
        synchronized (lock) {
            if (primary != null) {
                // Demoted: the extents this primary recorded may hold writes the new primary never had.
                recovered = false;
            }
            closeLocked();
            secondary = SecondaryRecord.open(file, settings, io, gate);
            loaded = secondary.current();
            r = secondary;
        }
        return (offset, length) -> {
            if (!r.touchesRecordedExtent(offset, length)) {
                readsLocal.increment();
                return CompletableFuture.completedFuture(null);
            }
            readsQueried.increment();
            long start = System.nanoTime();
            return askPrimary.apply(offset, length)
                    .orTimeout(readGateTimeout.toNanos(), TimeUnit.NANOSECONDS)
                    .handle((v, err) -> {
                        queryNanos.add(System.nanoTime() - start);
                        if (err == null) {
                            return null;
                        }
                        queryFailures.increment();
                        Throwable c = Failures.cause(err);
                        if (c instanceof VolumeException v2) {
                            throw v2;
                        }
                        String why = c instanceof TimeoutException ? "no answer from the primary within "
                                + readGateTimeout.toMillis() + " ms" : String.valueOf(c);
                        throw new VolumeException("a write may be in flight on this range at the primary and its"
                                + " status is unknown (" + why + "); read from the primary", true, c);
                    });
        };
    }

    @Override
    public CompletableFuture<Void> apply(byte[] bytes) {
        SecondaryRecord r;
        RecordSnapshot keep;
        synchronized (lock) {
            r = secondary;
            keep = recovered ? null : loaded;
        }
        if (r == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not the secondary"));
        }
        RecordSnapshot snapshot = RecordSnapshot.fromBytes(bytes);
        if (keep != null && !keep.isEmpty()) {
            // Until the crash resync covered them, our own startup extents stay in the file: a second
            // crash must still find them.
            snapshot = snapshot.inExtentsOf(keep.extentSize()).union(keep);
        }
        return r.apply(snapshot);
    }

    @Override
    public byte[] snapshot() {
        PredictiveRecord r;
        synchronized (lock) {
            r = primary;
        }
        return r == null ? null : r.snapshot().toBytes();
    }

    @Override
    public List<long[]> recoveryRanges() {
        synchronized (lock) {
            return loaded == null || recovered ? List.of() : ranges(loaded);
        }
    }

    @Override
    public List<long[]> rangesOf(byte[] report) {
        return ranges(RecordSnapshot.fromBytes(report));
    }

    private static List<long[]> ranges(RecordSnapshot s) {
        List<long[]> out = new ArrayList<>(s.size());
        for (Extent e : s.extents()) {
            out.add(new long[] {e.offset(s.extentSize()), s.extentSize()});
        }
        return out;
    }

    @Override
    public byte[] report() {
        synchronized (lock) {
            return loaded == null ? null : loaded.toBytes();
        }
    }

    @Override
    public void recoveryComplete(long bytes, int extents) {
        PredictiveRecord r;
        synchronized (lock) {
            recovered = true;
            r = primary;
        }
        resyncExtents.add(extents);
        if (r != null) {
            r.recoveryComplete();
        }
    }

    @Override
    public Map<String, Long> metrics() {
        Map<String, Long> m = new LinkedHashMap<>();
        PredictiveRecord p;
        SecondaryRecord s;
        synchronized (lock) {
            p = primary;
            s = secondary;
        }
        RecordMetrics rm = p == null ? null : p.metrics();
        m.put("record.host_writes", rm == null ? 0 : rm.hostWrites());
        m.put("record.hits", rm == null ? 0 : rm.hits());
        m.put("record.misses", rm == null ? 0 : rm.misses());
        m.put("record.writes", rm == null ? 0 : rm.recordWrites());
        m.put("record.writes_per_1000_host_writes_milli", rm == null ? 0
                : Math.round(rm.recordWritesPer1000HostWrites() * 1000));
        m.put("record.extents", rm != null ? rm.extentsRecorded() : s != null ? s.current().size() : 0L);
        m.put("record.evictions", rm == null ? 0 : rm.evictions());
        m.put("record.extents_dirty", rm == null ? 0L : rm.extentsDirty());
        m.put("record.room_flushes", rm == null ? 0 : rm.roomFlushes());
        m.put("record.applied", s == null ? 0 : s.applied());
        m.put("record.reads_local", readsLocal.sum());
        m.put("record.reads_after_status_query", readsQueried.sum());
        m.put("record.status_query_failures", queryFailures.sum());
        m.put("record.status_query_nanos_sum", queryNanos.sum());
        m.put("record.resync_extents_total", resyncExtents.sum());
        return m;
    }

    private void closeLocked() {
        if (primary != null) {
            primary.close();
            primary = null;
        }
        if (secondary != null) {
            secondary.close();
            secondary = null;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closeLocked();
        }
    }
}
