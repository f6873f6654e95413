package net.twinblock.iscsi.session;

import net.twinblock.iscsi.pdu.RejectReason;

/**
 * A Data-Out (or immediate data) that breaks the sequencing rules. It is answered with a
 * Reject. At ErrorRecoveryLevel 0 the target cannot ask for the data again, so a
 * {@link #fatal()} one also ends its command with CHECK CONDITION, ABORTED COMMAND and the
 * iSCSI-specific additional sense in {@link #ascq()} (SPC-4 table D.2: 4Bh/xxh): the
 * connection and every other command on it go on.
 */
final class DataOutException extends Exception {

    private static final long serialVersionUID = 1L;

    private final RejectReason reason;
    private final boolean fatal;
    private final int ascq;

    /** A PDU we reject; the command goes on. */
    DataOutException(RejectReason reason, String message) {
        this(reason, false, 0, message);
    }

    /** A PDU that ends its command; {@code ascq} qualifies ASC 4Bh (DATA PHASE ERROR family). */
    DataOutException(RejectReason reason, int ascq, String message) {
        this(reason, true, ascq, message);
    }

    private DataOutException(RejectReason reason, boolean fatal, int ascq, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.fatal = fatal;
        this.ascq = ascq;
    }

    /** ASCQ with ASC 4Bh: 00 data phase error, 02 too much write data, 05 data offset error. */
    int ascq() {
        return ascq;
    }

    RejectReason reason() {
        return reason;
    }

    boolean fatal() {
        return fatal;
    }
}
