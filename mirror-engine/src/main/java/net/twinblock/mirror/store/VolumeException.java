package net.twinblock.mirror.store;

/** A volume operation failed; {@link #retryable()} says whether the host should simply retry. */
public class VolumeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public VolumeException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public VolumeException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
