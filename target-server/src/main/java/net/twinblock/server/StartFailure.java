package net.twinblock.server;

/**
 * The node could not start for a reason outside its config (a port in use, an unreadable
 * image file). The message is the one line the administrator sees; the exit code is 1.
 */
public final class StartFailure extends Exception {

    private static final long serialVersionUID = 1L;

    public StartFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
