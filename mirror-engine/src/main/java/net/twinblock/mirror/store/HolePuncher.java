package net.twinblock.mirror.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The volume file's holes: deallocates file ranges with fallocate(PUNCH_HOLE | KEEP_SIZE), so UNMAP
 * really returns space to a thin file system and the range reads back as zeros, and finds them
 * again with lseek(SEEK_DATA/SEEK_HOLE) for GET LBA STATUS.
 *
 * <p>FileChannel hides its descriptor, so the file is opened a second time through libc; both
 * descriptors share the inode's page cache, so a punch is seen by the channel's reads at once.
 * When JNA cannot load or the file system has no hole punching, {@link #punch} answers false and
 * the caller writes zeros instead; that is said once in the log, not on every UNMAP.
 */
final class HolePuncher implements AutoCloseable {

    private static final Logger LOG = System.getLogger(HolePuncher.class.getName());

    /** lseek found no data at or after the offset. */
    private static final long NONE = -1;
    /** This descriptor or file system cannot say where holes are. */
    private static final long UNKNOWN = -2;

    private final Path file;
    private final Libc libc;
    private int fd;
    private volatile boolean supported;

    private HolePuncher(Path file, Libc libc, int fd) {
        this.file = file;
        this.libc = libc;
        this.fd = fd;
        this.supported = fd >= 0;
    }

    /** Never fails: a puncher that cannot punch just reports it. */
    static HolePuncher open(Path file) {
        Libc libc;
        try {
            libc = LibcHolder.LIBC;
        } catch (LinkageError e) {
            LOG.log(Level.WARNING, "cannot load libc through JNA ({0}); discards of {1} will write"
                    + " zeros instead of freeing space", e.toString(), file);
            return new HolePuncher(file, null, -1);
        }
        try {
            int fd = libc.open(file.toString(), Libc.O_RDWR | Libc.O_CLOEXEC);
            return new HolePuncher(file, libc, fd);
        } catch (LastErrorException e) {
            LOG.log(Level.WARNING, "cannot open {0} for hole punching (errno {1}); discards will"
                    + " write zeros instead of freeing space", file, e.getErrorCode());
            return new HolePuncher(file, libc, -1);
        }
    }

    /** A puncher that never punches: for file systems known to lack holes, and to test the fallback. */
    static HolePuncher disabled(Path file) {
        return new HolePuncher(file, null, -1);
    }

    /** Whether discards still free space (false after the first EOPNOTSUPP). */
    boolean supported() {
        return supported;
    }

    /**
     * Punches the range. Returns false if this file cannot have holes (the caller must zero the
     * range itself); throws on a real I/O error.
     */
    boolean punch(long offset, long length) throws IOException {
        if (!supported) {
            return false;
        }
        try {
            libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EOPNOTSUPP || e.getErrorCode() == Libc.ENOSYS) {
                supported = false;
                LOG.log(Level.WARNING, "the file system under {0} cannot punch holes; discards will"
                        + " write zeros instead of freeing space", file);
                return false;
            }
            throw new IOException("fallocate(PUNCH_HOLE) on " + file + " at " + offset + "+" + length
                    + " failed with errno " + e.getErrorCode(), e);
        }
    }

    /**
     * The data runs and holes of {@code [offset, offset + length)}, in order, merged, at most
     * {@code maxRuns}, in whole {@code unit}s: a unit with any data in it counts as data, since
     * a file system's holes may be finer than a volume block. Without a descriptor (no JNA, or a
     * test's file layer) the answer is one data run: "allocated" is always safe to say.
     *
     * @param offset and length multiples of {@code unit}
     */
    List<Allocation> allocation(long offset, long length, int unit, int maxRuns) throws IOException {
        List<Allocation> runs = new ArrayList<>();
        long end = offset + length;
        long pos = offset;
        // One run more than asked is looked at, so the last one returned is known to be whole.
        while (pos < end && runs.size() <= maxRuns) {
            long data = seek(pos, Libc.SEEK_DATA);
            if (data == UNKNOWN) {
                add(runs, pos, end, true);
                break;
            }
            long dataStart = data == NONE ? end : Math.min(end, data / unit * unit);
            if (dataStart > pos) {
                add(runs, pos, dataStart, false);
                pos = dataStart;
                continue;
            }
            long hole = seek(Math.max(pos, data), Libc.SEEK_HOLE);
            long holeStart = hole < 0 ? end : Math.min(end, (hole + unit - 1) / unit * unit);
            add(runs, pos, holeStart, true);
            pos = holeStart;
        }
        return runs.size() > maxRuns ? runs.subList(0, maxRuns) : runs;
    }

    private long seek(long offset, int whence) throws IOException {
        int descriptor = fd;
        if (descriptor < 0) {
            return UNKNOWN;
        }
        try {
            return libc.lseek(descriptor, offset, whence);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == Libc.ENXIO) {
                return NONE;
            }
            if (errno == Libc.EINVAL || errno == Libc.EOPNOTSUPP || errno == Libc.ENOSYS) {
                return UNKNOWN;
            }
            throw new IOException("lseek(" + (whence == Libc.SEEK_DATA ? "SEEK_DATA" : "SEEK_HOLE") + ") on "
                    + file + " at " + offset + " failed with errno " + errno, e);
        }
    }

    private static void add(List<Allocation> runs, long from, long to, boolean allocated) {
        if (!runs.isEmpty()) {
            Allocation last = runs.get(runs.size() - 1);
            if (last.allocated() == allocated && last.end() == from) {
                runs.set(runs.size() - 1, new Allocation(last.offset(), to - last.offset(), allocated));
                return;
            }
        }
        runs.add(new Allocation(from, to - from, allocated));
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            supported = false;
            try {
                libc.close(closing);
            } catch (LastErrorException e) {
                LOG.log(Level.WARNING, "closing the hole-punch descriptor of {0} failed (errno {1})",
                        file, e.getErrorCode());
            }
        }
    }

    /** Loads libc on first use, so a missing JNA native only costs the discard path. */
    private static final class LibcHolder {
        static final Libc LIBC = Native.load("c", Libc.class);
    }
}
