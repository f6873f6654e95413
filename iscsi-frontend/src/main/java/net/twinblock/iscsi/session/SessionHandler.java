package net.twinblock.iscsi.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.login.SessionType;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.PduFormatException;
import net.twinblock.iscsi.pdu.RejectReason;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;

/**
 * The full feature phase of one connection (RFC 7143 §4, §11): takes each PDU the decoder
 * produces, puts it in CmdSN order where the RFC says so, and hands it to the part that
 * deals with it. Rejects what it cannot take; one connection's bad input never reaches
 * another.
 *
 * <p>Ownership: every Pdu that reaches {@link #channelRead} is released here exactly once;
 * parts that keep a payload take a retained slice, PDUs held for CmdSN order are retained
 * until delivered or discarded.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(SessionHandler.class.getName());
    /** CmdSN sits at byte 24 of every initiator PDU that carries one. */
    private static final int CMD_SN = 24;

    private final Session session;
    private final Connection connection;
    private final Rejecter rejecter;
    private final CommandProcessor commands;
    private final TaskManagement tmf;
    private final TextExchange text;
    private final NopPinger pinger;

    SessionHandler(Session session, Connection connection, IscsiTargetConfig cfg, ScsiTaskExecutor executor,
                   SessionRegistry registry) {
        this.session = session;
        this.connection = connection;
        this.rejecter = new Rejecter(connection, session::terminate);
        var params = session.login().params();
        this.commands = new CommandProcessor(session, connection, executor, params, rejecter);
        this.tmf = new TaskManagement(session, connection, executor, registry);
        this.text = new TextExchange(connection, rejecter, cfg, session.login().type(),
                session.login().initiatorName());
        this.pinger = new NopPinger(connection, cfg.nopInterval(), cfg.nopTimeout(),
                () -> session.terminate("dead initiator: no NOP-Out answer within " + cfg.nopTimeout()));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        pinger.start();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Pdu pdu)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            pinger.heard();
            if (session.ended()) {
                return;
            }
            dispatch(pdu);
        } catch (RuntimeException e) {
            // A bug of ours on one PDU must not take the node down: this connection ends, others go on.
            LOG.log(Level.ERROR, "session " + session.tsih() + ": internal error on " + pdu, e);
            session.terminate("internal error: " + e);
        } finally {
            pdu.release();
        }
    }

    private void dispatch(Pdu pdu) {
        IscsiOpcode op = pdu.opcode();
        if (op == null) {
            rejecter.reject(pdu.bhs(), RejectReason.COMMAND_NOT_SUPPORTED,
                    String.format("unknown opcode 0x%02x", pdu.rawOpcode()));
            return;
        }
        boolean discovery = session.login().type() == SessionType.DISCOVERY;
        switch (op) {
            case NOP_OUT -> nopOut(pdu);
            case SCSI_COMMAND -> {
                if (discovery) {
                    rejectOrdered(pdu, RejectReason.PROTOCOL_ERROR, "SCSI command in a discovery session");
                } else {
                    commands.onCommand(pdu);
                }
            }
            case SCSI_DATA_OUT -> commands.onDataOut(pdu);
            case TASK_MGMT_REQUEST -> {
                if (discovery) {
                    rejectOrdered(pdu, RejectReason.PROTOCOL_ERROR, "task management in a discovery session");
                } else {
                    ordered(pdu, tmf::onRequest);
                }
            }
            case TEXT_REQUEST -> ordered(pdu, text::onRequest);
            case LOGOUT_REQUEST -> ordered(pdu, this::logout);
            case LOGIN_REQUEST -> rejecter.reject(pdu.bhs(), RejectReason.PROTOCOL_ERROR,
                    "Login Request in the full feature phase");
            // ErrorRecoveryLevel 0: we keep nothing to retransmit.
            case SNACK_REQUEST -> rejecter.reject(pdu.bhs(), RejectReason.PROTOCOL_ERROR,
                    "SNACK at ErrorRecoveryLevel 0");
            default -> rejecter.reject(pdu.bhs(), RejectReason.PROTOCOL_ERROR,
                    "target opcode " + op + " sent by the initiator");
        }
    }

    /**
     * Runs {@code action} when the PDU's CmdSN turn comes: at once for an immediate PDU, later
     * (the PDU retained meanwhile) if earlier CmdSNs are missing, never if outside the window.
     */
    private void ordered(Pdu pdu, Consumer<Pdu> action) {
        if (pdu.immediate()) {
            action.accept(pdu);
            return;
        }
        int cmdSn = pdu.u32(CMD_SN);
        if (!session.window.accepts(cmdSn)) {
            return; // RFC 7143 §4.2.2.1: silently ignored
        }
        pdu.retain(); // released when delivered or discarded
        session.window.offer(cmdSn, new CommandWindow.Delivery() {
            @Override
            public void deliver() {
                try {
                    if (!session.ended()) {
                        action.accept(pdu);
                    }
                } finally {
                    pdu.release();
                }
            }

            @Override
            public void discard() {
                pdu.release();
            }
        });
    }

    private void rejectOrdered(Pdu pdu, RejectReason reason, String why) {
        rejecter.reject(pdu.bhs(), reason, why);
        int cmdSn = pdu.u32(CMD_SN);
        if (!pdu.immediate() && session.window.accepts(cmdSn)) {
            session.window.offer(cmdSn, Deliveries.NOTHING);
        }
    }

    private void nopOut(Pdu pdu) {
        int itt = pdu.itt();
        if (itt == Pdu.RESERVED_TAG) {
            // An answer to our ping (or a bare "I am alive"): no response (§11.18).
            pinger.answered(pdu.u32(Bhs.NopOut.TTT));
            return;
        }
        ordered(pdu, p -> connection.send(TargetPdus.nopIn(connection.alloc(), p.itt(), Pdu.RESERVED_TAG, p.lun(),
                p.retainData()), true)); // the NOP-In owns the retained ping data slice
    }

    private void logout(Pdu pdu) {
        int itt = pdu.itt();
        LogoutReason reason = LogoutReason.of(pdu.flags() & Bhs.Logout.REASON_MASK);
        if (reason == null) {
            rejecter.reject(pdu.bhs(), RejectReason.INVALID_PDU_FIELD, "unknown logout reason");
            return;
        }
        if (reason == LogoutReason.REMOVE_CONNECTION_FOR_RECOVERY) {
            connection.send(TargetPdus.logoutResponse(connection.alloc(), itt,
                    LogoutReason.RESPONSE_RECOVERY_NOT_SUPPORTED), true);
            return;
        }
        if (reason == LogoutReason.CLOSE_CONNECTION && pdu.u16(Bhs.Logout.CID) != session.login().cid()) {
            connection.send(TargetPdus.logoutResponse(connection.alloc(), itt, LogoutReason.RESPONSE_CID_NOT_FOUND),
                    true);
            return;
        }
        // No new commands; the ones in flight finish and answer first (§11.14: the response
        // comes after every command of the connection has completed).
        session.quiescing = true;
        pinger.stop();
        session.idle().whenComplete((v, e) -> connection.loop().execute(() -> {
            if (session.ended()) {
                return;
            }
            connection.send(TargetPdus.logoutResponse(connection.alloc(), itt, LogoutReason.RESPONSE_CLOSED), true);
            session.terminate("logout");
        }));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.flushNow();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Back-pressure: a slow initiator reader stops us reading its new commands, so
        // responses cannot pile up without bound.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PduFormatException e) {
            var header = Unpooled.wrappedBuffer(e.header());
            if (e.fatal()) {
                rejecter.rejectAndClose(header, e.reason(), e.getMessage());
            } else {
                rejecter.reject(header, e.reason(), e.getMessage());
            }
            return;
        }
        if (cause instanceof java.io.IOException) {
            // The initiator went away (reset, broken pipe): an everyday event, not a fault of ours.
            session.terminate("connection lost: " + cause.getMessage());
            return;
        }
        LOG.log(Level.WARNING, "session " + session.tsih() + ": connection error", cause);
        session.terminate("connection error: " + cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pinger.stop();
        text.close();
        session.terminate("connection reset by the initiator");
        ctx.fireChannelInactive();
    }
}
