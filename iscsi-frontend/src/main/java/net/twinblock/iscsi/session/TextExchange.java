package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.login.SessionType;
import net.twinblock.iscsi.login.TextFormatException;
import net.twinblock.iscsi.login.TextKeys;
import net.twinblock.iscsi.login.TextNegotiation;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.RejectReason;

/**
 * Text Request / Text Response exchanges in the full feature phase (RFC 7143 §11.10, §11.11),
 * SendTargets above all. A request split by the initiator (C bit) is gathered before it is
 * answered; an answer longer than the initiator's MaxRecvDataSegmentLength goes out in pieces,
 * each but the last with the C bit and a Target Transfer Tag the initiator echoes to ask for
 * the next.
 *
 * <p>Touched only on the connection's event loop.
 */
final class TextExchange {

    /**
     * A request gathered over C-bit PDUs beyond this is refused: SendTargets and the few keys
     * allowed here fit in a few hundred bytes, and login text has the same cap.
     */
    static final int MAX_REQUEST_TEXT = 64 * 1024;

    private final Connection connection;
    private final Rejecter rejecter;
    private final IscsiTargetConfig cfg;
    private final SessionType type;
    private final String initiatorName;

    /** Request pieces gathered while the initiator sends C=1 (retained slices). */
    private CompositeByteBuf request;
    private int requestItt;
    /** What is left of an answer too long for one PDU, and the tag that asks for it. */
    private ByteBuf pending;
    private int pendingItt;
    private int pendingTtt = Pdu.RESERVED_TAG;

    TextExchange(Connection connection, Rejecter rejecter, IscsiTargetConfig cfg, SessionType type,
                 String initiatorName) {
        this.initiatorName = initiatorName;
        this.connection = connection;
        this.rejecter = rejecter;
        this.cfg = cfg;
        this.type = type;
    }

    /** A Text Request whose CmdSN turn came. The caller keeps ownership of {@code pdu}. */
    void onRequest(Pdu pdu) {
        int itt = pdu.itt();
        int ttt = pdu.u32(Bhs.Text.TTT);
        boolean more = (pdu.flags() & Bhs.Text.FLAG_CONTINUE) != 0;
        if (request != null) {
            // The next piece of a request the initiator split: same ITT, our TTT echoed.
            if (itt != requestItt || (ttt != Pdu.RESERVED_TAG && ttt != pendingTtt)) {
                close();
                rejecter.reject(pdu.bhs(), RejectReason.PROTOCOL_ERROR, "Text Request continued with another ITT/TTT");
                return;
            }
            gather(pdu, more);
            return;
        }
        if (ttt != Pdu.RESERVED_TAG) {
            if (pending == null || ttt != pendingTtt || itt != pendingItt) {
                rejecter.reject(pdu.bhs(), RejectReason.INVALID_PDU_FIELD,
                        "Text Request with unknown TTT 0x" + Integer.toHexString(ttt));
                return;
            }
            sendNextPiece();
            return;
        }
        // A new exchange ends whatever was left of the previous one (a new ITT resets it).
        reset();
        if (more) {
            request = connection.alloc().compositeBuffer();
            requestItt = itt;
            gather(pdu, true);
            return;
        }
        answer(pdu, itt, pdu.data());
    }

    private void gather(Pdu pdu, boolean more) {
        if (request.readableBytes() + pdu.data().readableBytes() > MAX_REQUEST_TEXT) {
            close();
            rejecter.reject(pdu.bhs(), RejectReason.PROTOCOL_ERROR,
                    "Text Request continued past " + MAX_REQUEST_TEXT + " bytes");
            return;
        }
        request.addComponent(true, pdu.retainData()); // the composite owns the slice
        if (more) {
            // Ask for the rest of the request with an empty response (§11.10.2).
            pendingTtt = connection.nextTtt();
            connection.send(TargetPdus.textResponse(connection.alloc(), requestItt, pendingTtt, 0, null), true);
            return;
        }
        CompositeByteBuf whole = request;
        request = null;
        try {
            answer(pdu, requestItt, whole);
        } finally {
            whole.release();
        }
    }

    /** Answers a whole request; {@code last} is its final PDU, whose header a Reject quotes. */
    private void answer(Pdu last, int itt, ByteBuf requestData) {
        List<Map.Entry<String, String>> keys;
        try {
            keys = TextKeys.decode(requestData.duplicate());
        } catch (TextFormatException e) {
            rejecter.reject(last.bhs(), RejectReason.PROTOCOL_ERROR, "malformed Text Request: " + e.getMessage());
            return;
        }
        String sessionTarget = type == SessionType.NORMAL ? cfg.targetName() : null;
        InetAddress local = connection.channel().localAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        List<Map.Entry<String, String>> reply = TextNegotiation.respond(keys, type, sessionTarget, cfg, local,
                initiatorName);
        // A new MaxRecvDataSegmentLength limits what we send from now on, this answer included.
        TextNegotiation.declaredMaxRecvDataSegmentLength(keys).ifPresent(connection::maxXmitDataSegmentLength);
        pending = TextKeys.encode(reply, connection.alloc());
        pendingItt = itt;
        sendNextPiece();
    }

    private void sendNextPiece() {
        int n = Math.min(connection.maxXmitDataSegmentLength(), pending.readableBytes());
        ByteBuf piece = pending.readRetainedSlice(n); // the PDU owns the slice
        boolean last = !pending.isReadable();
        int ttt;
        if (last) {
            pending.release();
            pending = null;
            ttt = Pdu.RESERVED_TAG;
        } else {
            ttt = connection.nextTtt();
        }
        pendingTtt = ttt;
        connection.send(TargetPdus.textResponse(connection.alloc(), pendingItt, ttt,
                last ? Bhs.FLAG_FINAL : Bhs.Text.FLAG_CONTINUE, piece), true);
    }

    /** Drops any half-done exchange. Idempotent; called when the session ends too. */
    void reset() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        pendingTtt = Pdu.RESERVED_TAG;
    }

    void close() {
        reset();
        if (request != null) {
            request.release();
            request = null;
        }
    }
}
