package net.twinblock.mirror.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether a volume's disk can still be trusted, and what this node does when it cannot
 * ({@code disk.on-error}). A full file system is no disk failure (writes fail, reads go on); any
 * other I/O error, or a failed fdatasync, is. Under {@link OnError#DETACH} the first one detaches
 * the volume for good: {@link FileVolume} refuses every later operation, and the pair serves
 * through the partner or tells it this copy is gone. Under {@link OnError#CONTINUE} the disk is
 * used on, each operation failing or not on its own; status shows the failure either way.
 */
public final class DiskHealth {

    private static final Logger LOG = System.getLogger(DiskHealth.class.getName());

    /** {@code disk.on-error}. */
    public enum OnError { DETACH, CONTINUE }

    private final String name;
    private volatile OnError onError = OnError.CONTINUE;
    private volatile String failure;
    private volatile boolean flushPoisoned;
    private final List<Runnable> onDetach = new CopyOnWriteArrayList<>();

    DiskHealth(String name) {
        this.name = name;
    }

    /** The node's {@code disk.on-error}; the engine alone (tests) keeps using a failing disk. */
    public void policy(OnError policy) {
        onError = policy;
    }

    public OnError policy() {
        return onError;
    }

    /** Runs {@code action} once, when the volume is detached (at once if it already is). */
    public void whenDetached(Runnable action) {
        onDetach.add(action);
        if (detached()) {
            action.run();
        }
    }

    /** True once an I/O error other than "no space" or a failed fdatasync was seen. */
    public boolean failed() {
        return failure != null;
    }

    /** The first such failure, in words; null while the disk is healthy. */
    public String failure() {
        return failure;
    }

    /** True once a failed fdatasync left every later flush refused. */
    public boolean flushPoisoned() {
        return flushPoisoned;
    }

    /** Failed, and {@code disk.on-error=detach}: the volume is not used again. */
    public boolean detached() {
        return failure != null && onError == OnError.DETACH;
    }

    /** Sees every failed operation; keeps the ones that say the disk is failing. */
    void failedWith(VolumeException e) {
        if (e.fault() == VolumeException.Fault.IO_ERROR || e.fault() == VolumeException.Fault.FLUSH_POISONED) {
            markFailed(e.getMessage());
        }
    }

    void fdatasyncFailed(Throwable cause) {
        flushPoisoned = true;
        markFailed("fdatasync of " + name + " failed: " + cause);
    }

    /**
     * Marks the disk failed from outside the I/O path: a copy found stale at startup, or the
     * journal of a secondary failing on the same disk.
     */
    public void markFailed(String why) {
        boolean first;
        synchronized (this) {
            first = failure == null;
            if (first) {
                failure = why;
            }
        }
        if (!first) {
            return;
        }
        if (onError == OnError.DETACH) {
            LOG.log(Level.ERROR, "disk of {0} failed ({1}): volume detached (disk.on-error=detach); it is not"
                    + " used again until repaired", name, why);
            onDetach.forEach(Runnable::run);
        } else {
            LOG.log(Level.ERROR, "disk of {0} failed ({1}); still in use (disk.on-error=continue)", name, why);
        }
    }

    /** The refusal of an operation on a detached volume. */
    VolumeException detachedError(String op) {
        return new VolumeException(op + " on " + name + " refused: the volume was detached after a disk failure ("
                + failure + ")", VolumeException.Fault.DETACHED, null);
    }
}
