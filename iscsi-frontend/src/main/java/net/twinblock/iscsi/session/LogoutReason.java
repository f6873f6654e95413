package net.twinblock.iscsi.session;

/** Logout Request reason codes (RFC 7143 §11.14.1) and the Logout Response codes (§11.15.1). */
enum LogoutReason {
    CLOSE_SESSION(0),
    CLOSE_CONNECTION(1),
    REMOVE_CONNECTION_FOR_RECOVERY(2);

    /** Logout Response: connection or session closed successfully. */
    static final int RESPONSE_CLOSED = 0;
    /** Logout Response: CID not found. */
    static final int RESPONSE_CID_NOT_FOUND = 1;
    /** Logout Response: connection recovery is not supported (we run ErrorRecoveryLevel 0). */
    static final int RESPONSE_RECOVERY_NOT_SUPPORTED = 2;

    private final int code;

    LogoutReason(int code) {
        this.code = code;
    }

    static LogoutReason of(int code) {
        for (LogoutReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
