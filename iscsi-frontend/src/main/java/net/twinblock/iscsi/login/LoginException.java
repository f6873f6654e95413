package net.twinblock.iscsi.login;

/**
 * Ends a login: carries the status to answer with and, for the log, the reason in words.
 * The reason never contains a secret.
 */
public final class LoginException extends Exception {
    private static final long serialVersionUID = 1L;

    private final LoginStatus status;

    public LoginException(LoginStatus status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public LoginStatus status() {
        return status;
    }
}
