package net.twinblock.server.admin;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;
import net.twinblock.server.config.ValueParsers;

/** A listener could not bind; the message is the one line an administrator needs. */
public final class BindFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private static final Pattern NETTY_PREFIX = Pattern.compile("^[a-z]+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

    public BindFailure(InetSocketAddress address, Throwable cause) {
        super("cannot listen on " + ValueParsers.format(address) + ": " + reason(cause), cause);
    }

    public BindFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** The OS's words ("Address already in use"), without Netty's "bind(..) failed..." prefix. */
    public static String reason(Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root == null ? null : root.getMessage();
        if (msg == null) {
            return root == null ? "unknown error" : root.getClass().getSimpleName();
        }
        // Netty's epoll says "bind(..) failed with error(-98): Address already in use".
        return NETTY_PREFIX.matcher(msg).replaceFirst("");
    }
}
