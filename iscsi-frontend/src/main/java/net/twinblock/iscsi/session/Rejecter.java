package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBuf;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;
import net.twinblock.iscsi.pdu.RejectReason;

/**
 * Answers a PDU we cannot take with a Reject carrying its header (RFC 7143 §11.17), and ends
 * the connection when the stream can no longer be trusted.
 */
final class Rejecter {

    private static final System.Logger LOG = System.getLogger(Rejecter.class.getName());

    private final Connection connection;
    private final Consumer<String> close;

    /** @param close ends the session with the given reason (after what was written is flushed) */
    Rejecter(Connection connection, Consumer<String> close) {
        this.connection = connection;
        this.close = close;
    }

    /** Sends a Reject; {@code header} is copied, the caller keeps it. */
    void reject(ByteBuf header, RejectReason reason, String why) {
        LOG.log(Level.INFO, "{0}: rejected a PDU ({1}): {2}", connection.channel().remoteAddress(), reason, why);
        connection.send(TargetPdus.reject(connection.alloc(), reason, header), true);
    }

    void rejectAndClose(ByteBuf header, RejectReason reason, String why) {
        reject(header, reason, why);
        close.accept("protocol error: " + why);
    }
}
