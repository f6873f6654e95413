package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A power-cut test fixture: data files whose writes live only in this JVM's memory (a model of
 * the kernel's page cache) until a {@link StorageFile#force() force} covers them. A power cut
 * throws the unforced writes away, as losing power throws away a page cache.
 *
 * <p>Select it for every data file of a JVM with {@code -Dtwinblock.test.storage-files=}{@value
 * #CLASS_NAME} (a node process started so: its SIGKILL is a power cut, since the overlay dies with
 * the heap), or pass an instance where the engine takes a {@link StorageFiles}. In one JVM, {@link
 * #powerCut(Path)} cuts the files under one node's directory only.
 *
 * <p>Pages are per file, shared by all its handles, and survive a handle's close (a page cache
 * outlives a descriptor). After a cut the file's old handles refuse every call, so the engine
 * above them must be reopened, as a rebooted node would be.
 */
public final class VolatileFiles implements StorageFiles {

    public static final String CLASS_NAME = "net.twinblock.mirror.store.VolatileFiles";

    private final Map<Path, VolatileFile> files = new HashMap<>();
    /** Directories whose power is off: nothing may open, replace or delete a file under them. */
    private final Set<Path> off = new HashSet<>();
    /** Files whose next fdatasync cuts a node's power ({@link #powerOffAtForce}). */
    private final Map<Path, Trap> traps = new ConcurrentHashMap<>();

    private record Trap(Path dir, Random random, java.util.concurrent.atomic.AtomicInteger skip,
            CompletableFuture<Void> cut) {
    }

    /** Public, no arguments: StorageFiles.system() creates it by reflection. */
    public VolatileFiles() {
    }

    @Override
    public synchronized StorageFile open(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        refuseIfOff(key);
        VolatileFile f = files.get(key);
        if (f == null) {
            f = VolatileFile.open(key);
            files.put(key, f);
        }
        StorageFile handle = f.newHandle();
        return new ForwardingFile(handle) {
            @Override
            public void force() throws IOException {
                springTrap(key); // outside the file's lock: a cut takes this factory's, which opens hold
                super.force();
            }
        };
    }

    /**
     * Cuts the power of the node under {@code dir} ({@link #powerOff}) at the fdatasync of {@code
     * file} after the next {@code skip} ones, which then fails: a cut in the middle of what that
     * fdatasync was to make durable (a consistency point's apply, for a secondary's volume).
     * Completes once the power is off.
     */
    public CompletableFuture<Void> powerOffAtForce(Path file, int skip, Path dir, Random random) {
        Trap trap = new Trap(dir, random, new java.util.concurrent.atomic.AtomicInteger(skip),
                new CompletableFuture<>());
        traps.put(file.toAbsolutePath().normalize(), trap);
        return trap.cut();
    }

    private void springTrap(Path file) throws IOException {
        Trap trap = traps.get(file);
        if (trap != null && trap.skip().getAndDecrement() <= 0 && traps.remove(file, trap)) {
            powerOff(trap.dir(), trap.random());
            trap.cut().complete(null);
            throw new IOException("the power went during the fdatasync of " + file);
        }
    }

    /** Atomic replaces are durable when they return; refused while the power is off. */
    @Override
    public void replace(Path file, byte[] content) throws IOException {
        synchronized (this) {
            refuseIfOff(file.toAbsolutePath().normalize());
        }
        StorageFiles.super.replace(file, content);
    }

    /** Deleted with its page cache: a file created later under the same name starts empty. */
    @Override
    public void delete(Path file) throws IOException {
        VolatileFile gone;
        synchronized (this) {
            Path key = file.toAbsolutePath().normalize();
            refuseIfOff(key);
            gone = files.remove(key);
        }
        if (gone != null) {
            gone.cut(null); // its open handles refuse from now on, as a deleted file's pages are gone
        }
        StorageFiles.super.delete(file);
    }

    /** A rename keeps the file's unforced pages: they belong to the file, not to its name. */
    @Override
    public void move(Path from, Path to) throws IOException {
        synchronized (this) {
            Path key = from.toAbsolutePath().normalize();
            Path target = to.toAbsolutePath().normalize();
            refuseIfOff(key);
            StorageFiles.super.move(from, to);
            VolatileFile f = files.remove(key);
            if (f != null) {
                f.movedTo(target);
                files.put(target, f);
            }
        }
    }

    /**
     * A power cut of one node of several in this JVM that also stops its disk: after it, nothing
     * the dead node's threads still run (a metadata update, a record write) reaches a file under
     * {@code dir}, until {@link #powerOn(Path)} before the node is started again.
     */
    public void powerOff(Path dir, Random random) {
        synchronized (this) {
            off.add(dir.toAbsolutePath().normalize());
        }
        cut(under(dir), random);
    }

    /** The node under {@code dir} may start again: its files open from what reached the disk. */
    public synchronized void powerOn(Path dir) {
        off.remove(dir.toAbsolutePath().normalize());
    }

    private void refuseIfOff(Path file) throws IOException {
        for (Path d : off) {
            if (file.startsWith(d)) {
                throw new IOException("power is off under " + d + ": " + file);
            }
        }
    }

    /** Power cut of every file opened through this factory: every unforced write is gone. */
    public void powerCut() {
        cut(path -> true, null);
    }

    /** Power cut of the files under {@code dir} (one node of two in one JVM). */
    public void powerCut(Path dir) {
        cut(under(dir), null);
    }

    /**
     * Power cut after some background writeback: each unforced page reached the disk or not, at
     * random, whole pages only. The realistic worst case for anything relying on write order.
     */
    public void powerCut(Random random) {
        cut(path -> true, random);
    }

    /** {@link #powerCut(Random)} of the files under {@code dir}. */
    public void powerCut(Path dir, Random random) {
        cut(under(dir), random);
    }

    /** Unforced pages of all files, for tests of the fixture itself. */
    public synchronized int unforcedPages() {
        return files.values().stream().mapToInt(VolatileFile::unforcedPages).sum();
    }

    private static Predicate<Path> under(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return path -> path.startsWith(d);
    }

    private void cut(Predicate<Path> which, Random random) {
        List<VolatileFile> victims = new ArrayList<>();
        synchronized (this) {
            files.entrySet().removeIf(e -> {
                boolean hit = which.test(e.getKey());
                if (hit) {
                    victims.add(e.getValue());
                }
                return hit;
            });
        }
        for (VolatileFile f : victims) {
            f.cut(random);
        }
    }
}
