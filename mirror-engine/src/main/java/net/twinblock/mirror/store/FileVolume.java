package net.twinblock.mirror.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A volume backed by one sparse file, written with positional I/O on a dedicated executor.
 *
 * <p>The data path does not copy: a write's ByteBuf (often a CompositeByteBuf of PDU slices)
 * goes to the file as its own NIO buffers, a read fills a pooled direct buffer in place. Callers
 * never block: every operation runs on {@code io} and completes its future there.
 *
 * <p>Durability is the file system's page cache plus fdatasync: a plain write completes once in
 * the page cache, flush() and FUA writes wait for a {@linkplain GroupCommit shared} fdatasync.
 *
 * <p>All I/O goes through a {@link StorageFile}, a FileChannel unless a power-cut test swapped
 * it ({@link StorageFiles#system()}). Then the file on disk lacks the unforced writes, so nothing
 * may read it behind this class (a future sendfile Data-In path must use {@link #read} then).
 */
public final class FileVolume implements Volume {

    private static final Logger LOG = System.getLogger(FileVolume.class.getName());

    /** How long close() waits for running operations before closing under them. */
    private static final long CLOSE_WAIT_SECONDS = 60;

    private final Path file;
    private final long size;
    private final int blockSize;
    private final ExecutorService io;
    private final StorageFile storage;
    private final HolePuncher holes;
    private final GroupCommit commit;
    private final InFlight inFlight = new InFlight();
    private final DiskHealth health;
    private volatile Journal journal;

    private FileVolume(Path file, long size, int blockSize, ExecutorService io, StorageFile storage,
            HolePuncher holes) {
        this.file = file;
        this.size = size;
        this.blockSize = blockSize;
        this.io = io;
        this.storage = storage;
        this.holes = holes;
        this.health = new DiskHealth(file.toString());
        this.commit = new GroupCommit(storage::force, io, file.toString(), health::fdatasyncFailed);
    }

    /**
     * Opens the volume file, creating it (and its directory) as a sparse file of {@code sizeBytes}
     * if it does not exist. An existing file must have exactly that size: silently growing or
     * cutting a volume would change what hosts see under their file systems.
     *
     * @param io runs every file operation; the volume does not shut it down
     * @throws IllegalArgumentException for a bad block size, size, or an existing file of another size
     * @throws java.io.UncheckedIOException if the file cannot be created or opened
     */
    public static FileVolume open(Path file, long sizeBytes, int blockSize, ExecutorService io) {
        return open(file, sizeBytes, blockSize, io, true, StorageFiles.system());
    }

    /** With {@code punchHoles} false, discards always write zeros (tests of that fallback). */
    static FileVolume open(Path file, long sizeBytes, int blockSize, ExecutorService io, boolean punchHoles) {
        return open(file, sizeBytes, blockSize, io, punchHoles, StorageFiles.system());
    }

    /**
     * Through {@code files} (a test's power-cut fixture). Only plain channels punch holes: libc's
     * fallocate would change the file behind another factory's back (its unforced pages would
     * still read as data), so discards under one write zeros through it instead.
     */
    static FileVolume open(Path file, long sizeBytes, int blockSize, ExecutorService io, boolean punchHoles,
            StorageFiles files) {
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size must be 512 or 4096, not " + blockSize);
        }
        if (sizeBytes <= 0 || sizeBytes % blockSize != 0) {
            throw new IllegalArgumentException("volume size must be a positive multiple of the block"
                    + " size " + blockSize + ", not " + sizeBytes);
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.exists(file)) {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("volume file " + file + " is not a regular file");
                }
                long existing = Files.size(file);
                if (existing != sizeBytes) {
                    throw new IllegalArgumentException("volume file " + file + " has " + existing
                            + " bytes but the configured size is " + sizeBytes + " bytes; refusing to"
                            + " resize an existing volume");
                }
            } else {
                createSparse(file, sizeBytes);
            }
            StorageFile storage = files.open(file);
            HolePuncher holes = punchHoles && files == StorageFiles.CHANNELS ? HolePuncher.open(file)
                    : HolePuncher.disabled(file);
            return new FileVolume(file, sizeBytes, blockSize, io, storage, holes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open volume file " + file + ": " + e, e);
        }
    }

    /** setLength is ftruncate: the file gets its size without a single data block. */
    private static void createSparse(Path file, long sizeBytes) throws IOException {
        Files.createFile(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        }
        LOG.log(Level.INFO, "created sparse volume file {0} of {1} bytes", file, Long.toString(sizeBytes));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    public Path file() {
        return file;
    }

    /** fdatasync calls asked for (flush and FUA), for the group-commit metric. */
    public long flushRequests() {
        return commit.requests();
    }

    /** fdatasync calls made; at most {@link #flushRequests()}, far fewer under concurrency. */
    public long forces() {
        return commit.forces();
    }

    /** Whether this volume's disk failed, and what the node does about it ({@code disk.on-error}). */
    public DiskHealth health() {
        return health;
    }

    /** True while discards free space; false once the file system refused to punch holes. */
    public boolean punchesHoles() {
        return holes.supported();
    }

    /**
     * Every reader (a host at the secondary, a scrub's or a resync's hashing) sees what this node
     * acknowledged: a read first waits until the {@link Journal}, if one writes this volume, has
     * applied every entry it took before the read.
     */
    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length, ByteBufAllocator alloc) {
        String bad = checkRange("read", offset, length);
        if (bad != null) {
            return CompletableFuture.failedFuture(new VolumeException(bad, false));
        }
        Journal j = journal;
        CompletableFuture<Void> settled = j == null ? null : j.readable(offset, length);
        if (settled != null && !settled.isDone()) {
            return settled.thenCompose(v -> readNow(offset, length, alloc));
        }
        if (settled != null && settled.isCompletedExceptionally()) {
            return settled.thenApply(v -> null); // the journal's failure: this copy is not to be trusted
        }
        return readNow(offset, length, alloc);
    }

    /** The journal that writes this volume (a secondary's); set once by {@link Journal#open}. */
    void journaledBy(Journal j) {
        journal = j;
    }

    private CompletableFuture<ByteBuf> readNow(long offset, int length, ByteBufAllocator alloc) {
        return submit("read", () -> {
            ByteBuf buf = alloc.directBuffer(length, length);
            try {
                fill(buf, offset, length);
                return buf; // ownership passes to the caller through the future
            } catch (IOException | RuntimeException e) {
                buf.release();
                throw e;
            }
        });
    }

    private void fill(ByteBuf buf, long offset, int length) throws IOException {
        long pos = offset;
        int filled = 0;
        // nioBuffers of the writable region share the buffer's memory: the kernel reads into it.
        for (ByteBuffer dst : buf.nioBuffers(0, length)) {
            while (dst.hasRemaining()) {
                int n = storage.read(dst, pos);
                if (n < 0) {
                    // Cannot happen for a file of the checked size, unless someone truncated it
                    // under us; a hole past EOF reads as zeros, like the sparse part before it.
                    buf.setZero(filled, length - filled);
                    buf.writerIndex(length);
                    return;
                }
                pos += n;
                filled += n;
            }
        }
        buf.writerIndex(length);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        String bad = checkRange("write", offset, data.readableBytes());
        if (bad != null) {
            data.release(); // we own it from the call on, also when refusing it
            return CompletableFuture.failedFuture(new VolumeException(bad, false));
        }
        CompletableFuture<Void> written = submit("write", () -> {
            try {
                drain(data, offset);
                return null;
            } finally {
                data.release(); // the one release of the caller's buffer, success or failure
            }
        }, data);
        return fua ? written.thenCompose(ignored -> flush()) : written;
    }

    private void drain(ByteBuf data, long offset) throws IOException {
        if (data.nioBufferCount() == 1) {
            // Nearly every host write: one view, where nioBuffers() also built a list and an array.
            writeFully(data.nioBuffer(), offset);
            return;
        }
        // One NIO buffer per component, in order: no gathering copy into a bigger buffer.
        drain(data.nioBuffers(), offset);
    }

    private void drain(ByteBuffer[] buffers, long offset) throws IOException {
        long pos = offset;
        for (ByteBuffer src : buffers) {
            pos = writeFully(src, pos);
        }
    }

    private long writeFully(ByteBuffer src, long pos) throws IOException {
        while (src.hasRemaining()) {
            int n = storage.write(src, pos);
            if (n <= 0) {
                throw new IOException("write at " + pos + " of " + file + " made no progress");
            }
            pos += n;
        }
        return pos;
    }

    @Override
    public CompletableFuture<Void> flush() {
        if (health.detached()) {
            return CompletableFuture.failedFuture(health.detachedError("flush"));
        }
        if (!inFlight.enter()) {
            return CompletableFuture.failedFuture(closedError());
        }
        CompletableFuture<Void> done;
        try {
            done = commit.request();
        } catch (RuntimeException e) {
            inFlight.exit();
            throw e;
        }
        return done.whenComplete((ok, err) -> inFlight.exit());
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        String bad = checkRange("discard", offset, length);
        if (bad != null) {
            return CompletableFuture.failedFuture(new VolumeException(bad, false));
        }
        return submit("discard", () -> {
            deallocate(offset, length);
            return null;
        });
    }

    private void deallocate(long offset, long length) throws IOException {
        if (length > 0 && !holes.punch(offset, length)) {
            writeZeros(offset, length);
        }
    }

    /** The file's data runs and holes, in whole blocks, from lseek(SEEK_DATA/SEEK_HOLE). */
    @Override
    public CompletableFuture<List<Allocation>> allocation(long offset, long length, int maxRuns) {
        String bad = checkRange("allocation", offset, length);
        if (bad != null || maxRuns < 1) {
            return CompletableFuture.failedFuture(new VolumeException(bad != null ? bad
                    : "allocation asked for " + maxRuns + " runs", false));
        }
        return submit("allocation", () -> holes.allocation(offset, length, blockSize, maxRuns));
    }

    private void writeZeros(long offset, long length) throws IOException {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            ByteBuffer zeros = Zeros.slice((int) Math.min(Zeros.SIZE, end - pos));
            pos = writeFully(zeros, pos);
        }
    }

    /**
     * The journal's apply: writes {@code data} on the calling thread, the journal's, which
     * applies its entries one after the other in their order. Does not release {@code data}.
     * The journal checked the range before it journaled the entry.
     */
    void applyNow(long offset, ByteBuf data) throws IOException {
        runNow(() -> drain(data, offset));
    }

    /** As {@link #applyNow(long, ByteBuf)}, from the NIO buffers the journal already appended from. */
    void applyNow(long offset, ByteBuffer[] buffers) throws IOException {
        runNow(() -> drain(buffers, offset));
    }

    /** The journal's wait for an fdatasync of the volume, to {@code why}: a failure says so. */
    void flushNow(String why) throws IOException {
        try {
            flush().join();
        } catch (RuntimeException e) {
            throw new IOException("cannot make " + file + " durable to " + why + ": " + Failures.cause(e),
                    Failures.cause(e));
        }
    }

    /** The journal's apply of a discard, as {@link #applyNow}. */
    void discardNow(long offset, long length) throws IOException {
        runNow(() -> deallocate(offset, length));
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private void runNow(IoAction action) throws IOException {
        if (health.detached()) {
            throw health.detachedError("journal apply");
        }
        if (!inFlight.enter()) {
            throw closedError();
        }
        try {
            action.run();
        } catch (IOException e) {
            health.failedWith(new VolumeException("journal apply on " + file + " failed: " + e, false, e));
            throw e;
        } finally {
            inFlight.exit();
        }
    }

    /** Null if the range is fine, else the reason, naming the numbers. */
    String checkRange(String op, long offset, long length) {
        if (offset < 0 || length < 0 || offset % blockSize != 0 || length % blockSize != 0) {
            return op + " of " + length + " bytes at offset " + offset + " on " + file
                    + " is not aligned to the block size " + blockSize;
        }
        if (offset > size || length > size - offset) {
            return op + " of " + length + " bytes at offset " + offset + " goes beyond the end of "
                    + file + " (" + size + " bytes)";
        }
        return null;
    }

    @FunctionalInterface
    private interface IoTask<T> {
        T run() throws IOException;
    }

    private <T> CompletableFuture<T> submit(String op, IoTask<T> task) {
        return submit(op, task, null);
    }

    /**
     * Runs {@code task} on the I/O executor. {@code owned} is a buffer the task would release;
     * if the task never runs (closed, executor refused) it is released here instead.
     */
    private <T> CompletableFuture<T> submit(String op, IoTask<T> task, ByteBuf owned) {
        if (health.detached()) {
            if (owned != null) {
                owned.release();
            }
            return CompletableFuture.failedFuture(health.detachedError(op));
        }
        if (!inFlight.enter()) {
            if (owned != null) {
                owned.release();
            }
            return CompletableFuture.failedFuture(closedError());
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            io.execute(() -> {
                try {
                    result.complete(task.run());
                } catch (IOException | RuntimeException e) {
                    VolumeException failure = new VolumeException(op + " on " + file + " failed: " + e, false, e);
                    health.failedWith(failure);
                    result.completeExceptionally(failure);
                } catch (Error e) {
                    // Typically out of direct memory: the command must still get an answer, never hang.
                    result.completeExceptionally(new VolumeException(op + " on " + file + " failed: " + e,
                            true, e));
                    throw e;
                } finally {
                    inFlight.exit();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.exit();
            if (owned != null) {
                owned.release();
            }
            result.completeExceptionally(new VolumeException(op + " on " + file
                    + " refused: the I/O executor is shut down", true, e));
        }
        return result;
    }

    private VolumeException closedError() {
        return new VolumeException("volume " + file + " is closed", true);
    }

    /**
     * Waits for running operations, makes them durable and closes the file. Operations started
     * after this call fail with a retryable VolumeException.
     */
    @Override
    public void close() {
        try {
            if (!inFlight.closeAndAwait(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "closing {0} with operations still running after {1} s",
                        file, CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(Level.WARNING, "interrupted while waiting for operations on {0}; closing anyway", file);
        }
        try {
            if (storage.isOpen()) {
                // Writes acknowledged without FUA are only in the page cache: a clean shutdown
                // must not leave them to the kernel's writeback timing.
                storage.force();
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, "final fdatasync of {0} failed: {1}", file, e.toString());
        } finally {
            holes.close();
            try {
                storage.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing {0} failed: {1}", file, e.toString());
            }
        }
    }

    /** True once close() has begun: new operations are refused from then on. */
    boolean closing() {
        return inFlight.closing();
    }

    @Override
    public String toString() {
        return "FileVolume[" + file + ", " + size + " bytes, block " + blockSize + "]";
    }

    /** A shared read-only run of zeros for file systems that cannot punch holes. */
    private static final class Zeros {
        static final int SIZE = 1 << 20;
        private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(SIZE).asReadOnlyBuffer();

        static ByteBuffer slice(int length) {
            // duplicate(): each writer gets its own position over the same memory.
            return ZEROS.duplicate().limit(length);
        }
    }
}
