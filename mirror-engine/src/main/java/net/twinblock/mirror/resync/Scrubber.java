package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBufAllocator;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import net.twinblock.mirror.store.Volume;

/**
 * Compares the whole volume with the peer's copy in the background, on a period (scrub.interval)
 * and on demand; reports blocks that differ and, with scrub.repair, copies this node's blocks over
 * them. Runs on the primary. It reads at scrub.max-rate while hosts leave the volume alone and
 * slows to scrub.busy-rate in small batches while they use it ({@link ScrubThrottle}); reads,
 * hashing and bookkeeping stay off the threads host I/O runs on.
 *
 * <p>A host write in flight can make a block differ for a moment (on the primary, not yet on the
 * secondary). So every mismatch is checked again with its blocks locked against writes (the
 * write path's {@link CopyLock}, which a write holds until both nodes have it): only a
 * difference that survives that is reported and repaired. Without a lock (no host I/O) the first
 * comparison counts.
 */
public final class Scrubber implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Scrubber.class.getName());

    private final ScrubSettings settings;
    private final Volume local;
    private final HashComparison peer;
    private final CopyLock lock;
    private final ScheduledExecutorService scheduler;
    private final ScanGeometry geometry;
    private final BlockHasher hasher;
    private final BlockCopier repairer;
    /** Host operations on the scrubbed volume, or null: then the scrub keeps to scrub.max-rate throughout. */
    private final LongSupplier hostOperations;

    private final LongAdder runs = new LongAdder();
    private final LongAdder regionsScanned = new LongAdder();
    private final LongAdder mismatchedBlocks = new LongAdder();
    private final LongAdder repairedBlocks = new LongAdder();

    private final Object state = new Object();
    private CompletableFuture<ScrubReport> running;
    private ChecksumScanner scanner;
    private ScrubThrottle throttle;
    /** The next periodic scrub, when scrub.interval is set and started. */
    private ScheduledFuture<?> periodic;
    private boolean periodicOn;
    private volatile ScrubReport lastReport;
    private volatile boolean closed;

    /** A scrubber that does not watch host I/O: it keeps to scrub.max-rate throughout. */
    public Scrubber(ScrubSettings settings, Volume local, HashComparison peer, RegionSink repairSink, CopyLock lock,
            ScheduledExecutorService scheduler, ByteBufAllocator alloc) {
        this(settings, local, peer, repairSink, lock, scheduler, alloc, null);
    }

    /**
     * @param peer the secondary's comparison (over the link)
     * @param repairSink where repairs go (the peer); may be null when {@code settings.repair()} is false
     * @param lock the write path's region lock, or null if no host writes run during scrubs
     * @param scheduler runs the scrub's hashing and bookkeeping; give it a low-priority thread
     * @param hostOperations a count of host operations on the volume (see {@link ScrubThrottle}), or
     *     null to ignore host I/O
     */
    public Scrubber(ScrubSettings settings, Volume local, HashComparison peer, RegionSink repairSink, CopyLock lock,
            ScheduledExecutorService scheduler, ByteBufAllocator alloc, LongSupplier hostOperations) {
        if (settings.repair() && repairSink == null) {
            throw new IllegalArgumentException("scrub.repair is on but there is nowhere to send repairs");
        }
        this.settings = settings;
        this.local = local;
        this.peer = peer;
        this.lock = lock;
        this.scheduler = scheduler;
        this.geometry = new ScanGeometry(local.size(), local.blockSize(), settings.blocksPerRegion());
        this.hostOperations = hostOperations;
        this.hasher = new BlockHasher(local, settings.algorithm(), geometry, alloc, scheduler);
        if (settings.regionsPerBatch() > hasher.maxRegionsPerCall()) {
            throw new IllegalArgumentException("scrub batch of " + settings.regionsPerBatch() + " hashes exceeds "
                    + hasher.maxRegionsPerCall());
        }
        // Repairs run while this scrubber holds the region lock itself, so the copier must not take it again.
        this.repairer = repairSink == null ? null
                : new BlockCopier(local, repairSink, null, alloc, Math.max(local.blockSize(), 1 << 20));
    }

    /** Starts periodic scrubs if scrub.interval is set. */
    public void start() {
        Duration interval = settings.interval();
        if (interval == null) {
            return;
        }
        synchronized (state) {
            periodicOn = true;
            scheduleNext();
        }
        LOG.log(Level.INFO, "scrub every {0} at up to {1} bytes/s, {2} bytes/s while hosts use the volume{3}",
                interval, settings.maxBytesPerSecond(), settings.effectiveBusyRate(),
                settings.repair() ? ", repairing" : ", reporting only");
    }

    /** Starts a scrub now, or returns the one already running. */
    public CompletableFuture<ScrubReport> scrubNow() {
        synchronized (state) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("scrubber closed"));
            }
            if (running != null) {
                return running;
            }
            Run run = new Run();
            throttle = hostOperations == null ? null : new ScrubThrottle(settings, geometry, hostOperations);
            ScanPacer pacer = throttle != null ? throttle : ScanPacer.fixed(
                    new TokenBucket(settings.maxBytesPerSecond(), geometry.bytes(0, settings.regionsPerBatch())),
                    geometry);
            scanner = new ChecksumScanner(hasher, ScanCursor.inMemory(settings.algorithm(), geometry), pacer,
                    scheduler, settings.regionsPerBatch(), Integer.MAX_VALUE);
            CompletableFuture<ScrubReport> f = scanner.run(run::onBatch).thenApply(run::report);
            running = f;
            f.whenComplete((report, err) -> ended(f, report, err));
            return f;
        }
    }

    /** The interval counts from the end of the last scrub: a slow scrub never runs back to back. Under state. */
    private void scheduleNext() {
        if (!periodicOn || closed || running != null) {
            return;
        }
        if (periodic != null) {
            periodic.cancel(false);
        }
        periodic = scheduler.schedule(this::scrubNow, settings.interval().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void ended(CompletableFuture<ScrubReport> f, ScrubReport report, Throwable err) {
        synchronized (state) {
            if (running == f) {
                running = null;
                scanner = null;
                throttle = null;
            }
            scheduleNext();
        }
        runs.increment();
        if (err != null) {
            LOG.log(Level.WARNING, "scrub failed: {0}", err.toString());
            return;
        }
        lastReport = report;
        Level level = report.mismatchedBlocks() > 0 ? Level.WARNING : Level.INFO;
        LOG.log(level, "scrub {0}: {1} blocks differ between the nodes, {2} repaired, {3} regions in {4} s",
                report.complete() ? "finished" : "stopped", report.mismatchedBlocks(), report.repairedBlocks(),
                report.regionsScanned(), report.took().toSeconds());
    }

    /** One scrub's tally. */
    private final class Run {
        final Instant started = Instant.now();
        final long startNanos = System.nanoTime();
        final LongAdder mismatched = new LongAdder();
        final LongAdder repaired = new LongAdder();
        final List<DifferingBlocks> listed = new ArrayList<>();

        CompletableFuture<?> onBatch(HashBatch batch) {
            regionsScanned.add(batch.count());
            return peer.compare(batch).thenCompose(ranges -> {
                CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
                for (DifferingBlocks r : ranges) {
                    chain = chain.thenCompose(v -> confirmAndRepair(r));
                }
                return chain;
            });
        }

        /** Re-checks {@code suspect} with writes to it held off, then reports and repairs what still differs. */
        private CompletableFuture<Void> confirmAndRepair(DifferingBlocks suspect) {
            if (lock == null) {
                return found(List.of(suspect));
            }
            int bs = geometry.blockSize();
            return lock.lockForCopy(suspect.offset(bs), suspect.length(bs)).thenCompose(hold ->
                    recheck(suspect).thenCompose(this::found).whenComplete((ok, e) -> hold.release()));
        }

        private CompletableFuture<List<DifferingBlocks>> recheck(DifferingBlocks suspect) {
            long firstRegion = suspect.first() / geometry.blocksPerRegion();
            long endRegion = (suspect.end() + geometry.blocksPerRegion() - 1) / geometry.blocksPerRegion();
            List<DifferingBlocks> still = new ArrayList<>();
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (long r = firstRegion; r < endRegion; r += hasher.maxRegionsPerCall()) {
                long from = r;
                int count = (int) Math.min(hasher.maxRegionsPerCall(), endRegion - r);
                chain = chain.thenCompose(v -> hasher.hash(from, count)).thenCompose(peer::compare)
                        .thenAccept(still::addAll);
            }
            return chain.thenApply(v -> still);
        }

        private CompletableFuture<Void> found(List<DifferingBlocks> ranges) {
            for (DifferingBlocks r : ranges) {
                mismatched.add(r.count());
                mismatchedBlocks.add(r.count());
                synchronized (listed) {
                    if (listed.size() < ScrubReport.MAX_LISTED) {
                        listed.add(r);
                    }
                }
                LOG.log(Level.WARNING, "scrub: blocks {0} to {1} differ between the nodes{2}", r.first(),
                        r.end() - 1, settings.repair() ? "; repairing from this node" : "");
            }
            if (!settings.repair() || ranges.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return repairer.copy(ranges).thenAccept(n -> {
                repaired.add(n);
                repairedBlocks.add(n);
            });
        }

        ScrubReport report(ChecksumScanner.ScanResult scan) {
            synchronized (listed) {
                return new ScrubReport(started, Duration.ofNanos(System.nanoTime() - startNanos),
                        scan.regionsScanned(), mismatched.sum(), repaired.sum(), listed, scan.complete());
            }
        }
    }

    /** Scrubs finished or failed since start. */
    public long runs() {
        return runs.sum();
    }

    public long regionsScanned() {
        return regionsScanned.sum();
    }

    /** Blocks found different (after the locked re-check), over all scrubs. */
    public long mismatchedBlocks() {
        return mismatchedBlocks.sum();
    }

    public long repairedBlocks() {
        return repairedBlocks.sum();
    }

    /** The last finished scrub's report, or null. */
    public ScrubReport lastReport() {
        return lastReport;
    }

    public boolean running() {
        synchronized (state) {
            return running != null;
        }
    }

    /** True while a scrub runs slowed down (or paused) because hosts use the volume: why a scrub is slow. */
    public boolean throttled() {
        synchronized (state) {
            return throttle != null && throttle.throttled();
        }
    }

    /** The running scrub's progress, or null when none runs. */
    public ResyncProgress progress() {
        synchronized (state) {
            return scanner == null ? null : scanner.progress();
        }
    }

    /** Stops periodic scrubs and the running one (after its current batch). */
    @Override
    public void close() {
        synchronized (state) {
            closed = true;
            if (periodic != null) {
                periodic.cancel(false);
            }
            if (scanner != null) {
                scanner.stop();
            }
        }
    }
}
