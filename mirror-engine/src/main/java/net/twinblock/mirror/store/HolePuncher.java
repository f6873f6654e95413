package net.twinblock.mirror.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * Deallocates file ranges with fallocate(PUNCH_HOLE | KEEP_SIZE), so UNMAP really returns space
 * to a thin file system and the range reads back as zeros.
 *
 * <p>FileChannel hides its descriptor, so the file is opened a second time through libc; both
 * descriptors share the inode's page cache, so a punch is seen by the channel's reads at once.
 * When JNA cannot load or the file system has no hole punching, {@link #punch} answers false and
 * the caller writes zeros instead; that is said once in the log, not on every UNMAP.
 */
final class HolePuncher implements AutoCloseable {

    private static final Logger LOG = System.getLogger(HolePuncher.class.getName());

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
