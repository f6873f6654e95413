package net.twinblock.mirror.store;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The secondary's write journal: every mirrored write and discard is appended to segment files
 * beside the volume ({@link JournalFiles}) before it is acknowledged, then applied to the volume.
 *
 * <p>One thread per journal appends, in batches: it takes every entry queued since its last turn,
 * appends them with one gathering write, makes them durable with one fdatasync only if one of them
 * asked (FUA) or a flush waits (group commit) and completes them (the acknowledgements leave then).
 * The same thread then applies the batch to the volume, in order (so overlapping writes land as
 * the primary ordered them), while the acknowledgements travel and the next batch gathers: a
 * second applying thread cost a wake-up per batch more than it overlapped. A read of the volume
 * waits for {@link #applied()} ({@link FileVolume#read}): it never sees the volume behind what
 * this node acknowledged.
 *
 * <p>A filled segment is deleted (on a cleaner thread) once its entries are applied, while the
 * volume may still hold them only in its page cache: the journal then owes the volume an
 * fdatasync, which it runs before the next durable completion (FUA or flush), so a flush still
 * vouches for every write before it, through the journal or the volume. Nothing else forces the
 * volume or a filled segment on the way: a stream of writes that asks for no durability costs
 * no fdatasync here, as on a standalone node. Space is bounded by {@code maxSize}: when the next
 * batch would pass it, the journal waits for the applies and deletes its segments before it
 * appends. Until then nothing more is appended or acknowledged, so the primary's writes wait
 * (backpressure) and nothing is dropped. An entry larger than the bound is taken into an empty
 * journal. After a crash {@link JournalReplay} applies what the segments hold at the next open.
 * Held for consistency points, entries are on the volume only at a point, which makes it
 * durable: segments go only once a point covers them. A point is applied on a thread of its own
 * ({@link PointThread}), one at a time, while appends and acknowledgements go on.
 *
 * <p>A failed append, fdatasync or apply poisons the journal: every later call fails, as a
 * failed fdatasync poisons the volume's {@link GroupCommit}.
 */
public final class Journal implements AutoCloseable {

    static final Logger LOG = System.getLogger(Journal.class.getName());

    public static final long DEFAULT_MAX_SIZE = 256L << 20;
    public static final long MIN_MAX_SIZE = 1L << 20;
    /** Entries per turn of the journal thread: bounds one gathering write's buffer list. */
    private static final int MAX_BATCH = 256;
    private static final CompletableFuture<Void> SETTLED = CompletableFuture.completedFuture(null);

    private final FileVolume volume;
    private final long maxSize;
    /** A segment's size, and a batch's most: a quarter of the bound, at least 1 MiB. */
    private final long segmentSize;
    /** Runs the journal's work, one task at a time: appends, applies, reads' applies of held entries. */
    private final Executor thread;
    private final ExecutorService owned;
    private final Runnable drain = this::drain;

    private final Object lock = new Object();
    private final ArrayDeque<JournalOp> queue = new ArrayDeque<>();
    private final AppliedWaiters waiters = new AppliedWaiters();
    private boolean scheduled;
    private boolean closed;
    /**
     * Calls taken so far, and of those, the ones applied (or, for a flush, done). Written under
     * the lock; read without it only to see that nothing is outstanding.
     */
    private volatile long accepted;
    private volatile long appliedCount;
    private volatile Throwable failure;

    // the journal thread's own
    /** The entries of one turn; kept, not made per turn (nothing keeps the list past its turn). */
    private final List<JournalOp> batch = new ArrayList<>(MAX_BATCH);
    private final JournalSegments segments;
    private volatile long held;
    /** Entries up to this number are on the volume durably (a point covers them): their closed segments may go. */
    private volatile long durableUpTo = -1;
    /** Segments of applied entries went before the volume was made durable: the next durable completion syncs it. */
    private boolean volumeOwed;
    /** Deletes applied segments; {@link #ownedCleaner} if ours. */
    private final ExecutorService ownedCleaner;
    /** Applies batches, or holds them for consistency points ({@code cp.enabled}), whose points it hands over. */
    private final JournalApplier applies;

    private final LongAdder entries = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder frees = new LongAdder();
    private final long replayed;

    private Journal(FileVolume volume, long maxSize, JournalFiles files, long nextNumber, long replayed,
            Executor runner, boolean hold) {
        this.volume = volume;
        this.applies = new JournalApplier(volume, files, hold, nextNumber, e -> poisoned(poison(e)),
                new PointThread(volume, files.storage(), runner, e -> poisoned(poison(e)),
                        upTo -> durableUpTo = upTo), // points are recorded one at a time, in order
                this::forceBeforeApplyingHeld);
        this.maxSize = maxSize;
        String name = volume.file().getFileName().toString();
        this.ownedCleaner = runner != null ? null : JournalThreads.single("journal-clean " + name);
        this.segmentSize = Math.max(MIN_MAX_SIZE, maxSize / 4);
        this.segments = new JournalSegments(files, nextNumber, segmentSize, MAX_BATCH,
                runner != null ? runner : ownedCleaner);
        this.replayed = replayed;
        this.owned = runner != null ? null : JournalThreads.single("journal " + name);
        this.thread = runner != null ? runner : owned;
    }

    /**
     * Opens the journal of {@code volume}, first replaying and removing what a crash left of it.
     * Blocking: at startup.
     *
     * @throws IllegalArgumentException if {@code maxSize} is below {@link #MIN_MAX_SIZE}
     * @throws UncheckedIOException if the journal cannot be read or the volume not written
     */
    public static Journal open(FileVolume volume, long maxSize) {
        return open(volume, maxSize, StorageFiles.system(), null, false);
    }

    /** With {@code holdForPoints}, entries wait for a {@link #point} instead of going to the volume (DESIGN 6). */
    public static Journal open(FileVolume volume, long maxSize, boolean holdForPoints) {
        return open(volume, maxSize, StorageFiles.system(), null, holdForPoints);
    }

    /** With the journal's work, appends and applies, on {@code runner} (a test's, e.g. the calling thread). */
    public static Journal open(FileVolume volume, long maxSize, Executor runner) {
        return open(volume, maxSize, StorageFiles.system(), runner, false);
    }

    static Journal open(FileVolume volume, long maxSize, StorageFiles storage, Executor runner,
            boolean holdForPoints) {
        if (maxSize < MIN_MAX_SIZE) {
            throw new IllegalArgumentException("journal.max-size must be at least " + MIN_MAX_SIZE + " bytes, not "
                    + maxSize);
        }
        JournalFiles files = new JournalFiles(volume.file(), storage);
        JournalReplay replay = JournalReplay.recover(volume, files);
        Journal journal = new Journal(volume, maxSize, files, replay.next(), replay.applied(), runner,
                holdForPoints);
        volume.journaledBy(journal);
        return journal;
    }

    // ---- what the receiver calls (any thread) ----

    /** Told once how a write ended: null once appended (durable too if asked), else why not. */
    @FunctionalInterface
    public interface Listener {
        void settled(Throwable failure);
    }

    /**
     * Journals a write and completes once it is appended (durable too if {@code durable}).
     * Takes ownership of {@code data}.
     */
    public CompletableFuture<Void> write(int transfer, long offset, ByteBuf data, boolean durable) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        write(transfer, offset, data, durable, failure -> {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        });
        return done;
    }

    /**
     * As {@link #write(int, long, ByteBuf, boolean)}, telling {@code listener} instead of completing a
     * future: the mirrored write's path, once per write, allocates no future and no completion for
     * it. The listener runs on the journal's thread (or this one, for a write refused at once) and
     * must not block.
     */
    public void write(int transfer, long offset, ByteBuf data, boolean durable, Listener listener) {
        String bad = volume.checkRange("write", offset, data.readableBytes());
        if (bad != null) {
            data.release(); // ours from the call on, also when refusing it
            JournalOp.tell(listener, new VolumeException(bad, false));
            return;
        }
        enqueue(new JournalOp(JournalOp.Kind.WRITE, transfer, offset, data.readableBytes(), durable, data, listener));
    }

    /** Journals a discard of a range; completes once appended. */
    public CompletableFuture<Void> discard(int transfer, long offset, long length) {
        String bad = volume.checkRange("discard", offset, length);
        if (bad != null) {
            return CompletableFuture.failedFuture(new VolumeException(bad, false));
        }
        return enqueued(new JournalOp(JournalOp.Kind.DISCARD, transfer, offset, length, false, null));
    }

    /** Completes once everything appended before this call is durable. */
    public CompletableFuture<Void> flush() {
        return enqueued(new JournalOp(JournalOp.Kind.FLUSH, 0, 0, 0, true, null));
    }

    /**
     * Brings the volume to point {@code point} (covering every entry taken before this call), makes
     * it durable and records it; completes then. Without holding, it only makes durable and records.
     */
    public CompletableFuture<Void> point(ConsistencyPoint point) {
        String bad = point.outside(volume.size());
        if (bad != null) {
            return CompletableFuture.failedFuture(new VolumeException(bad, false));
        }
        JournalOp p = new JournalOp(JournalOp.Kind.POINT, point.number(), 0, 0, false, null);
        p.point = point;
        return enqueued(p);
    }

    /**
     * As {@link #applied}, and held entries overlapping the range applied (with every other held
     * one, in order), or the point in flight that applies them recorded.
     */
    public CompletableFuture<Void> readable(long offset, long length) {
        CompletableFuture<Void> applied = applied();
        if (!applies.holds()) {
            return applied;
        }
        return applied.thenComposeAsync(v -> applies.readable(offset, length), thread);
    }

    /** Completes once the volume holds everything this journal took before this call (for reads). */
    public CompletableFuture<Void> applied() {
        if (failure == null && appliedCount >= accepted) {
            return SETTLED; // the common case of every read on a primary: no lock, no allocation
        }
        synchronized (lock) {
            Throwable f = failure;
            if (f != null) {
                return CompletableFuture.failedFuture(poisoned(f));
            }
            if (appliedCount >= accepted) {
                return SETTLED;
            }
            return waiters.add(accepted);
        }
    }

    private CompletableFuture<Void> enqueued(JournalOp p) {
        enqueue(p);
        return p.done;
    }

    /**
     * Queues the op for the journal's thread, or settles it as refused, outside the lock: its
     * listener may write again.
     */
    private void enqueue(JournalOp p) {
        boolean start;
        Throwable refused = null;
        synchronized (lock) {
            Throwable f = failure;
            if (f != null || closed) {
                refused = f != null ? poisoned(f)
                        : new VolumeException("the journal of " + volume.file() + " is closed", true);
                start = false;
            } else {
                accepted++;
                queue.add(p);
                start = !scheduled;
                scheduled = true;
            }
        }
        if (refused != null) {
            p.release();
            p.fail(refused);
        } else if (start) {
            thread.execute(drain);
        }
    }

    /** True once {@link #close} began: this node is stopping, so what it refuses now is no verdict on the data. */
    public boolean closed() {
        synchronized (lock) {
            return closed;
        }
    }


    // ---- counters ----

    /** Entries appended by this process. */
    public long entries() {
        return entries.sum();
    }

    /** Turns of the journal thread that appended: entries / batches is the batching. */
    public long batches() {
        return batches.sum();
    }

    /** fdatasyncs of the journal (the point thread's too). */
    public long syncs() {
        return syncs.sum() + applies.pointJournalSyncs();
    }

    /** Times the journal was full and freed (the volume made durable, the segments deleted). */
    public long frees() {
        return frees.sum();
    }

    /** Segments made by writing over a spare (a covered segment) rather than created. */
    long reusedSegments() {
        return segments.reused();
    }

    /** Bytes the journal's segments hold now. */
    public long bytes() {
        return held;
    }

    /** Entries replayed at open. */
    public long replayed() {
        return replayed;
    }

    /** What consistency points did on this volume (all zero without holding). */
    public PointCounters pointCounters() {
        return applies.counters();
    }

    // ---- the journal thread ----

    private void drain() {
        List<JournalOp> batch = this.batch;
        for (;;) {
            batch.clear();
            synchronized (lock) {
                long bytes = 0;
                JournalOp p;
                while (batch.size() < MAX_BATCH && (p = queue.peek()) != null
                        && (batch.isEmpty() || bytes + p.bytes() <= segmentSize)) { // so the bound holds
                    batch.add(queue.poll());
                    bytes += p.bytes();
                }
                if (batch.isEmpty()) {
                    scheduled = false;
                    return;
                }
            }
            process(batch);
        }
    }

    private void process(List<JournalOp> batch) {
        Throwable failed = failure;
        VolumeException refused = null;
        if (failed == null) {
            try {
                append(batch);
            } catch (JournalSegments.NoRoom e) {
                refused = new VolumeException("no room for the journal of " + volume.file() + ": " + e.getCause(),
                        VolumeException.Fault.NO_SPACE, e.getCause());
            } catch (IOException | RuntimeException e) {
                failed = poison(e);
            }
        }
        boolean appended = failed == null && refused == null;
        if (appended) {
            for (JournalOp p : batch) {
                if (p.kind != JournalOp.Kind.POINT) {
                    p.succeed(); // the acknowledgements leave from here; a point's once it is applied
                }
            }
        } else {
            for (JournalOp p : batch) {
                p.release();
                p.fail(refused != null ? refused : poisoned(failed));
            }
        }
        // Applied here, once the acknowledgements are on their way: one thread woken once per batch
        // costs less than a second thread woken for it too (a failed batch still settles its reads).
        if (appended) {
            applies.apply(batch);
        }
        settleWaiters(batch.size(), failure);
    }

    /** Appends the batch, durably if one of it asks. */
    private void append(List<JournalOp> batch) throws IOException {
        long bytes = 0;
        int count = 0;
        boolean durable = false;
        for (JournalOp p : batch) {
            bytes += p.bytes();
            count += p.journaled() ? 1 : 0;
            durable |= p.durable;
        }
        long upTo = applies.holds() ? durableUpTo : applies.appliedThrough();
        if (upTo >= 0) {
            long freed = segments.deleteClosedUpTo(upTo);
            held -= freed;
            volumeOwed |= freed > 0 && !applies.holds();
        }
        if (held > 0 && held + bytes > maxSize) {
            free();
        }
        if (bytes > 0) {
            segments.append(batch, bytes);
            held += bytes;
            entries.add(count);
            batches.increment();
        }
        if (durable) {
            segments.force();
            syncs.increment();
            if (volumeOwed) {
                volumeOwed = false; // this fdatasync starts after every apply of a deleted segment
                volume.flushNow("vouch for entries of deleted segments");
            }
        }
        segments.rollIfFull();
    }

    /** Held entries go to the volume only once the journal holds them durably (see HeldEntries). */
    private void forceBeforeApplyingHeld() throws IOException {
        if (segments.forceIfAppended()) {
            syncs.increment();
        }
    }

    private void settleWaiters(int done, Throwable failed) {
        List<CompletableFuture<Void>> ready;
        synchronized (lock) {
            appliedCount += done;
            ready = waiters.ready(appliedCount, failed != null);
        }
        for (CompletableFuture<Void> f : ready) {
            if (failed == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(poisoned(failed));
            }
        }
    }

    /**
     * Deletes every segment once all their entries are applied. Held entries are applied first and
     * the volume made durable, as a point would; otherwise the volume's fdatasync is owed to the
     * next durable completion ({@link #close} pays it at once).
     */
    private void free() throws IOException {
        try {
            if (applies.holds()) {
                applies.applyHeld();
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot apply the journal of " + volume.file() + " to free it: "
                    + Failures.cause(e), Failures.cause(e));
        }
        if (applies.holds()) {
            volume.flushNow("free its journal");
        } else {
            volumeOwed = true;
        }
        segments.deleteAll();
        held = 0;
        frees.increment();
    }

    private Throwable poison(Throwable e) {
        synchronized (lock) {
            if (failure == null) {
                failure = e;
                LOG.log(Level.ERROR, "the journal of {0} failed and refuses everything from now on: {1}",
                        volume.file(), e.toString());
            }
            return failure;
        }
    }

    private VolumeException poisoned(Throwable cause) {
        return new VolumeException("the journal of " + volume.file() + " failed: " + cause, false, cause);
    }


    /** The journal thread's last task: a failed journal (or stop) leaves its segments for replay. */
    private void stop() {
        try {
            if (failure == null) {
                free();
                if (volumeOwed) {
                    volumeOwed = false;
                    volume.flushNow("stop cleanly");
                }
                segments.deleteSpares();
            }
        } catch (IOException | RuntimeException e) {
            poison(e); // logs it, and what is held is let go below: the next start replays it
        }
        if (failure != null) {
            applies.dropHeld();
            try {
                segments.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Applies what is queued, makes the volume durable and deletes the segments (a clean stop
     * leaves no journal). Calls after this fail as retryable. Blocking.
     */
    @Override
    public void close() {
        CompletableFuture<Void> last;
        synchronized (lock) {
            if (closed) {
                return;
            }
            last = readable(0, volume.size());
            closed = true;
        }
        try {
            last.handle((ok, err) -> null).get(JournalThreads.CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            CompletableFuture.runAsync(this::stop, thread).get(JournalThreads.CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, "{0}: the journal stays on disk for the next start to replay: {1}", volume.file(),
                    e.toString());
        } finally {
            if (owned != null) {
                owned.shutdown();
                JournalThreads.stop(ownedCleaner, volume.file(), "deleting applied journal segments");
            }
            applies.close(); // also with a test's runner: the point record's handle
        }
    }
}
