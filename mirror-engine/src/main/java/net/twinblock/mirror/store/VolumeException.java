package net.twinblock.mirror.store;

import java.io.IOException;
import java.util.Locale;

/**
 * A volume operation failed; {@link #fault()} says how, so callers decide on the type, never on
 * the message: retry ({@link Fault#NOT_READY}), a full file system ({@link Fault#NO_SPACE}), a
 * failing disk ({@link Fault#IO_ERROR}), or anything else.
 */
public class VolumeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure. */
    public enum Fault {
        /** Temporarily unable (closing, suspended, out of memory): the host should simply retry. */
        NOT_READY,
        /** The file system is full (ENOSPC) or the quota spent (EDQUOT): writes fail, reads go on. */
        NO_SPACE,
        /** The storage reported an I/O error. */
        IO_ERROR,
        /**
         * A flush refused because an fdatasync failed earlier: the volume cannot promise
         * durability any more (see {@link GroupCommit}) until it is reopened.
         */
        FLUSH_POISONED,
        /**
         * The volume was detached after an I/O error ({@code disk.on-error=detach}, {@link
         * DiskHealth}): it is not used again until repaired, and this node has no other copy.
         */
        DETACHED,
        /**
         * This node's copy is detached, but its partner holds a current one: the host should
         * send the command there (multipath moves on an ALUA transition).
         */
        ELSEWHERE,
        /** A bad request or a bug. */
        OTHER
    }

    private final Fault fault;

    public VolumeException(String message, Fault fault, Throwable cause) {
        super(message, cause);
        this.fault = fault;
    }

    /** Retryable, or else what {@code cause} says about the storage ({@link #faultOf}). */
    public VolumeException(String message, boolean retryable, Throwable cause) {
        this(message, retryable ? Fault.NOT_READY : faultOf(cause), cause);
    }

    public VolumeException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return fault == Fault.NOT_READY;
    }

    public Fault fault() {
        return fault;
    }

    /**
     * The fault a failure of the JDK's file I/O stands for. The JDK gives no errno, only
     * strerror's text in the exception, so this is the one place that reads it: ENOSPC and
     * EDQUOT are a full file system; any other {@link IOException} an I/O error.
     */
    public static Fault faultOf(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof VolumeException v) {
                return v.fault;
            }
            if (c instanceof IOException) {
                String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
                return m.contains("no space left on device") || m.contains("disk quota exceeded")
                        ? Fault.NO_SPACE : Fault.IO_ERROR;
            }
        }
        return Fault.OTHER;
    }
}
