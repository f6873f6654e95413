package net.twinblock.iscsi.pdu;

import io.netty.handler.codec.DecoderException;

/**
 * A PDU the decoder could not accept. Carries what the session layer needs to answer:
 * the Reject reason, the offending header (a Reject's data segment, RFC 7143 §11.17), and
 * whether the byte stream is still framed.
 *
 * <p>{@link #fatal()} true: PDU boundaries are lost (bad header digest, oversized segment);
 * at ErrorRecoveryLevel 0 the only answer is to close the connection. False: the whole PDU was
 * consumed and the next one starts cleanly (bad data digest), so the session may Reject and go on.
 */
public final class PduFormatException extends DecoderException {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;
    private final byte[] header;
    private final boolean fatal;

    public PduFormatException(RejectReason reason, byte[] header, boolean fatal) {
        this(reason, header, fatal, reason.name());
    }

    public PduFormatException(RejectReason reason, byte[] header, boolean fatal, String message) {
        super(message);
        this.reason = reason;
        this.header = header == null ? new byte[0] : header.clone();
        this.fatal = fatal;
    }

    public RejectReason reason() {
        return reason;
    }

    /** The rejected PDU's BHS (48 bytes, or fewer if the stream ended first); a copy. */
    public byte[] header() {
        return header.clone();
    }

    public boolean fatal() {
        return fatal;
    }
}
