package net.twinblock.iscsi.lun;

/**
 * A storage failure the SCSI layer turns into sense data. {@link Kind} says which sense:
 * the storage knows what went wrong, the SCSI layer knows how to say it.
 */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** I/O error on the medium: MEDIUM ERROR / UNRECOVERED READ ERROR or WRITE ERROR. */
        MEDIUM_ERROR,
        /**
         * No room for the data (the file system under a thin LU is full): DATA PROTECT / SPACE
         * ALLOCATION FAILED WRITE PROTECT (SBC-3 §4.7.3.6); reads go on.
         */
        SPACE_EXHAUSTED,
        /** Temporarily unable (mirror suspended, read gate timed out): NOT READY, retryable. */
        NOT_READY_RETRYABLE,
        /** The node is shutting down or lost its role: the initiator should retry elsewhere. */
        TRANSITIONING,
        /** Anything else: HARDWARE ERROR / INTERNAL TARGET FAILURE. */
        INTERNAL
    }

    private final Kind kind;

    public StorageException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
