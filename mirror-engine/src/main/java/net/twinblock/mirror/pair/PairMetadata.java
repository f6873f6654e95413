package net.twinblock.mirror.pair;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;
import net.twinblock.mirror.store.StorageFiles;

/**
 * What a node knows about its copy of the volume, kept in {@code <volume file>.meta} next to it:
 * the pair's volume id, this node's id, the data generation, and three facts that decide at the
 * handshake whether the secondary needs a full copy: paired (the volume id names the pair),
 * empty (never written) and clean (identical to the partner, as far as this node knows). A
 * secondary also keeps whether it is the unfinished target of a resync ({@link Meta#resync}),
 * which makes its copy unfit to be promoted.
 *
 * <p>Minimal on purpose, and the only class that reads or writes the file, so the resync work's
 * richer generation history can replace it. Changes apply in memory at once and reach the disk
 * through {@link #update}, whose future completes once the file is durable: callers that promise
 * something to a host (a write completed in DEGRADED mode) wait for it first.
 */
public final class PairMetadata {

    /**
     * One consistent state of the file. {@code open} is a dirty bit: set while the node runs,
     * cleared by a clean shutdown after its last fdatasync. Found set at startup, the node
     * crashed, and page-cache writes one node had and the other lost may differ: not clean.
     */
    public record Meta(String volumeId, String nodeId, long generation, boolean paired, boolean empty,
            boolean clean, boolean open, GenerationHistory generations, Resync resync) {

        public Meta {
            Objects.requireNonNull(generations, "generations");
        }

        /** Consistent (not a resync's target). */
        public Meta(String volumeId, String nodeId, long generation, boolean paired, boolean empty, boolean clean,
                boolean open, GenerationHistory generations) {
            this(volumeId, nodeId, generation, paired, empty, clean, open, generations, null);
        }

        /** Without a generation history (a file written before it existed): {@link GenerationHistory#none()}. */
        public Meta(String volumeId, String nodeId, long generation, boolean paired, boolean empty, boolean clean,
                boolean open) {
            this(volumeId, nodeId, generation, paired, empty, clean, open, GenerationHistory.none());
        }

        public Meta withPaired(String pairVolumeId) {
            return new Meta(pairVolumeId, nodeId, generation, true, empty, clean, open, generations, resync);
        }

        public Meta withWritten() {
            return new Meta(volumeId, nodeId, generation, paired, false, clean, open, generations, resync);
        }

        public Meta withClean(boolean isClean) {
            return new Meta(volumeId, nodeId, generation, paired, empty, isClean, open, generations, resync);
        }

        public Meta withGeneration(long g) {
            return new Meta(volumeId, nodeId, g, paired, empty, clean, open, generations, resync);
        }

        public Meta withEmpty(boolean isEmpty) {
            return new Meta(volumeId, nodeId, generation, paired, isEmpty, clean, open, generations, resync);
        }

        public Meta withOpen(boolean isOpen) {
            return new Meta(volumeId, nodeId, generation, paired, empty, clean, isOpen, generations, resync);
        }

        public Meta withGenerations(GenerationHistory h) {
            return new Meta(volumeId, nodeId, generation, paired, empty, clean, open, h, resync);
        }

        /** This copy is the target of an unfinished resync ({@code r}), or consistent again ({@code null}). */
        public Meta withResync(Resync r) {
            return new Meta(volumeId, nodeId, generation, paired, empty, clean, open, generations, r);
        }

        /**
         * False while this copy is the unfinished target of a resync: regions are copied out of
         * write order, so until the primary says "in sync" acknowledged writes may be missing here.
         */
        public boolean consistent() {
            return resync == null;
        }

        /**
         * This node's copy now holds data its partner lacks (a write completed or failed without
         * it): not clean, and the data is a new generation unless it already is one the partner
         * never saw (current differs from the outage baseline), so the partner, meeting us again,
         * learns it is behind, and a partner that was promoted meanwhile is seen as a split brain.
         */
        public Meta diverged() {
            GenerationHistory g = generations;
            boolean localOnly = !g.bitmap().equals(GenerationHistory.NONE) && !g.current().equals(g.bitmap());
            return new Meta(volumeId, nodeId, generation, paired, empty, false, open,
                    localOnly || g.isNone() ? g : g.newCurrent(), resync);
        }

        PeerIdentity identity(long sizeBytes, int blockSize) {
            int flags = (paired ? PeerIdentity.FLAG_PAIRED : 0) | (empty ? PeerIdentity.FLAG_EMPTY : 0)
                    | (clean ? PeerIdentity.FLAG_CLEAN : 0);
            return new PeerIdentity(nodeId, volumeId, sizeBytes, blockSize, generation, flags);
        }
    }

    /**
     * The unfinished resync a secondary's copy is the target of: from which primary (its node
     * name), and how far it had got as the secondary last saw it (percent, -1 if not known).
     */
    public record Resync(String primary, int percent) {

        public Resync {
            Objects.requireNonNull(primary, "primary");
            if (percent < -1 || percent > 100) {
                throw new IllegalArgumentException("resync percent must be -1 (unknown) or 0..100, not " + percent);
            }
        }

        public Resync withPercent(int p) {
            return new Resync(primary, p);
        }
    }

    private final Path file;
    private final Executor io;
    /** Serialises file writes; never held by get() or update(), which run on event loops. */
    private final Object writing = new Object();
    private Meta meta;

    private PairMetadata(Path file, Executor io, Meta meta) {
        this.file = file;
        this.io = io;
        this.meta = meta;
    }

    /** The metadata file of a volume file: {@code <volume>.meta}. */
    public static Path fileFor(Path volumeFile) {
        return volumeFile.resolveSibling(volumeFile.getFileName() + ".meta");
    }

    /**
     * Loads the file, or creates it for a volume that was just created: fresh random ids,
     * generation 0, unpaired, empty and clean. Blocking file I/O: call at startup, not on an event loop.
     *
     * @param volumeCreated true if the volume file did not exist before this start; a missing
     *        metadata file next to an existing volume means nothing is known of its data, so it
     *        is treated as written and not clean (a full copy makes it identical again)
     * @param io runs the writes of {@link #update}
     */
    public static PairMetadata open(Path file, boolean volumeCreated, Executor io) {
        try {
            if (Files.exists(file)) {
                return new PairMetadata(file, io, read(file));
            }
            String id = UUID.randomUUID().toString();
            Meta fresh = new Meta(id, "node-" + UUID.randomUUID(), 0, false, volumeCreated, volumeCreated, false);
            write(file, fresh);
            return new PairMetadata(file, io, fresh);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open pair metadata " + file + ": " + e, e);
        }
    }

    public synchronized Meta get() {
        return meta;
    }

    public Path file() {
        return file;
    }

    /**
     * Applies {@code change} in memory now and writes the file on the I/O executor; the future
     * completes once it is durable. No write at all if nothing changed.
     */
    public CompletableFuture<Void> update(UnaryOperator<Meta> change) {
        synchronized (this) {
            Meta next = change.apply(meta);
            if (next.equals(meta)) {
                return CompletableFuture.completedFuture(null);
            }
            meta = next;
        }
        try {
            return CompletableFuture.runAsync(this::persist, io);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("pair metadata " + file
                    + " is closed; change not written", e));
        }
    }

    /**
     * Writes the newest state. Serialised, and each write takes the newest state once it holds
     * the write lock, so the last write on disk is the newest state. The fsyncs run outside the
     * state's monitor: get() on an event loop must never wait for a disk.
     */
    private void persist() {
        synchronized (writing) {
            try {
                write(file, get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write pair metadata " + file + ": " + e, e);
            }
        }
    }

    private static Meta read(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        try {
            return new Meta(required(p, "volume.id", file), required(p, "node.id", file),
                    Long.parseLong(required(p, "generation", file)),
                    Boolean.parseBoolean(required(p, "paired", file)),
                    Boolean.parseBoolean(required(p, "empty", file)),
                    Boolean.parseBoolean(required(p, "clean", file)),
                    Boolean.parseBoolean(p.getProperty("open", "false").trim()),
                    generations(p.getProperty("generations"), file), resync(p));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pair metadata " + file + ": generation is not a number", e);
        }
    }

    /**
     * The data generation history; absent in files written before it existed (none). Never the
     * bitmap-in-memory flag: that bitmap died with the process that wrote the file.
     */
    private static GenerationHistory generations(String hex, Path file) {
        if (hex == null || hex.isBlank()) {
            return GenerationHistory.none();
        }
        try {
            return GenerationHistory.decode(HexFormat.of().parseHex(hex.trim())).withoutBitmapInMemory();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pair metadata " + file + ": generations is damaged (" + e.getMessage()
                    + "); refusing to guess which data this node holds", e);
        }
    }

    /** Absent in files written before it existed, and while the copy is consistent. */
    private static Resync resync(Properties p) {
        String from = p.getProperty("inconsistent.from");
        if (from == null || from.isBlank()) {
            return null;
        }
        String percent = p.getProperty("inconsistent.percent", "-1").trim();
        try {
            return new Resync(from.trim(), Integer.parseInt(percent));
        } catch (IllegalArgumentException e) {
            // Still inconsistent: a damaged progress figure must not make a half-copied image promotable.
            return new Resync(from.trim(), -1);
        }
    }

    private static String required(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("pair metadata " + file + " has no " + key
                    + "; fix it, or remove it to make the node count as new (a secondary then takes a full"
                    + " copy; a primary then pairs only with a new secondary)");
        }
        return v.trim();
    }

    /** One line as Properties.load reads it back: a node name may hold characters that file format escapes. */
    private static String property(String key, String value) {
        Properties one = new Properties();
        one.setProperty(key, value);
        java.io.StringWriter w = new java.io.StringWriter();
        try {
            one.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        StringBuilder line = new StringBuilder();
        w.toString().lines().filter(l -> !l.startsWith("#")).forEach(l -> line.append(l).append('\n'));
        return line.toString();
    }

    /** Replaced atomically and durably: a crash leaves the old or the new file, never half of one. */
    private static void write(Path file, Meta m) throws IOException {
        String text = "# twinblock pair metadata: do not edit while the node runs\n"
                + "volume.id=" + m.volumeId() + "\n"
                + "node.id=" + m.nodeId() + "\n"
                + "generation=" + m.generation() + "\n"
                + "paired=" + m.paired() + "\n"
                + "empty=" + m.empty() + "\n"
                + "clean=" + m.clean() + "\n"
                + "open=" + m.open() + "\n"
                + "generations=" + HexFormat.of().formatHex(m.generations().encode()) + "\n"
                + (m.consistent() ? "" : property("inconsistent.from", m.resync().primary())
                        + "inconsistent.percent=" + m.resync().percent() + "\n");
        StorageFiles.system().replace(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
