package net.twinblock.iscsi.session;

import net.twinblock.iscsi.pdu.RejectReason;

/**
 * A Data-Out (or immediate data) that breaks the sequencing rules. At ErrorRecoveryLevel 0 the
 * target cannot ask for the data again, so {@link #fatal()} ones end the connection (session
 * recovery); the others are answered with a Reject and the PDU is dropped.
 */
final class DataOutException extends Exception {

    private static final long serialVersionUID = 1L;

    private final RejectReason reason;
    private final boolean fatal;

    DataOutException(RejectReason reason, boolean fatal, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.fatal = fatal;
    }

    RejectReason reason() {
        return reason;
    }

    boolean fatal() {
        return fatal;
    }
}
