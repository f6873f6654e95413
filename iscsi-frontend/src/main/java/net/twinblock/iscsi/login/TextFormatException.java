package net.twinblock.iscsi.login;

/**
 * A Login or Text data segment that is not a sequence of {@code key=value} entries
 * (RFC 7143 §6.1). The login phase answers it with Initiator Error; the full feature phase
 * with a Reject.
 */
public final class TextFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TextFormatException(String message) {
        super(message);
    }
}
