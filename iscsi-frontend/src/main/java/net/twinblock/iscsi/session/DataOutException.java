package net.twinblock.iscsi.session;

import net.twinblock.iscsi.pdu.RejectReason;
import net.twinblock.iscsi.scsi.AdditionalSense;

/**
 * A Data-Out (or immediate data) that breaks the sequencing rules. It is answered with a
 * Reject. At ErrorRecoveryLevel 0 the target cannot ask for the data again, so a
 * {@link #fatal()} one also ends its command with CHECK CONDITION, ABORTED COMMAND and the
 * iSCSI-specific additional sense in {@link #sense()} (SPC-4 table D.2: 4Bh/xxh): the
 * connection and every other command on it go on.
 */
final class DataOutException extends Exception {

    private static final long serialVersionUID = 1L;

    private final RejectReason reason;
    private final boolean fatal;
    private final AdditionalSense sense;

    /** A PDU we reject; the command goes on. */
    DataOutException(RejectReason reason, String message) {
        this(reason, false, null, message);
    }

    /** A PDU that ends its command with {@code sense}, one of ASC 4Bh (DATA PHASE ERROR family). */
    DataOutException(RejectReason reason, AdditionalSense sense, String message) {
        this(reason, true, sense, message);
    }

    private DataOutException(RejectReason reason, boolean fatal, AdditionalSense sense, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.fatal = fatal;
        this.sense = sense;
    }

    /** The additional sense a fatal one ends its command with; null when not fatal. */
    AdditionalSense sense() {
        return sense;
    }

    RejectReason reason() {
        return reason;
    }

    boolean fatal() {
        return fatal;
    }
}
