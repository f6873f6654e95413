package net.twinblock.mirror.record;

/**
 * The record cannot be loaded or made durable. A write waiting on a failed record update fails
 * with this: the host must not get GOOD status for a write a crash recovery would not find.
 */
public class RecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RecordException(String message, Throwable cause) {
        super(message, cause);
    }

    public RecordException(String message) {
        super(message);
    }
}
