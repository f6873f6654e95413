package net.twinblock.iscsi.session;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.login.LoginPhase;
import net.twinblock.iscsi.login.LoginResult;
import net.twinblock.iscsi.login.LoginStep;
import net.twinblock.iscsi.login.SessionAdmission;
import net.twinblock.iscsi.login.SessionType;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.PduDecoder;
import net.twinblock.iscsi.pdu.PduEncoder;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;

/**
 * The login phase of one connection (RFC 7143 §6): feeds Login Requests to {@link LoginPhase}
 * and writes its answers. When the login completes it switches the codec to the negotiated
 * limits and digests and hands the connection to a {@link SessionHandler}; when it fails, or
 * anything but a Login Request arrives, or it takes longer than the login timeout, the
 * connection is closed.
 *
 * <p>Answers to a source that failed to log in wait as {@link LoginBackoff} says: the reply is
 * scheduled on the event loop, and a PDU that arrives meanwhile is a protocol error (the
 * initiator must wait for each Login Response).
 */
public final class LoginHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(LoginHandler.class.getName());
    /** RFC 7143 §13.12: what both sides accept until MaxRecvDataSegmentLength is negotiated. */
    private static final int LOGIN_MAX_RECV_DATA_SEGMENT_LENGTH = 8192;

    private final IscsiTargetConfig cfg;
    private final ScsiTaskExecutor executor;
    private final SessionRegistry registry;
    private final LoginBackoff backoff;
    private LoginPhase phase;
    private ScheduledFuture<?> timeout;
    private String remote;
    /** The source, as {@link LoginBackoff} keys it ({@link SourceKey}: an IPv6 host by its prefix). */
    private String source;
    /** A reply held back by the backoff, and its timer; both null when none is. */
    private LoginStep heldStep;
    private ScheduledFuture<?> heldReply;
    /** Set once the login phase admitted the session (TSIH reserved). */
    private SessionRegistry.Admitted admitted;
    private boolean finishing;
    /** See {@link Session#identity()}; set when the login is admitted. */
    private String identity;

    public LoginHandler(IscsiTargetConfig cfg, ScsiTaskExecutor executor, SessionRegistry registry,
                        LoginBackoff backoff) {
        this.cfg = cfg;
        this.executor = executor;
        this.registry = registry;
        this.backoff = backoff;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().get(PduDecoder.class).setMaxRecvDataSegmentLength(LOGIN_MAX_RECV_DATA_SEGMENT_LENGTH);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        remote = String.valueOf(ctx.channel().remoteAddress());
        source = SourceKey.of(ctx.channel().remoteAddress(), cfg.limits().ipv6SourcePrefix());
        SessionAdmission admission = (name, isid, tsihFromInitiator, type, chapName) -> {
            identity = identity(ctx, chapName);
            SessionRegistry.Admitted a = registry.admit(name, isid, tsihFromInitiator, type, identity);
            if (a == null) {
                return SessionAdmission.NO_SUCH_SESSION;
            }
            if (a.tsih() > 0) {
                admitted = a;
            }
            return a.tsih();
        };
        phase = new LoginPhase(cfg, admission, remote);
        timeout = ctx.executor().schedule(() -> {
            LOG.log(Level.INFO, "{0}: login not completed within {1}, connection closed", remote, cfg.loginTimeout());
            ctx.close();
        }, cfg.loginTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Pdu pdu)) {
            ctx.fireChannelRead(msg);
            return;
        }
        LoginStep step;
        try {
            if (finishing || heldStep != null) {
                // The initiator must wait for each Login Response before sending more.
                protocolError(ctx, "PDU " + pdu + " before the Login Response to its last request");
                return;
            }
            if (pdu.opcode() != IscsiOpcode.LOGIN_REQUEST) {
                protocolError(ctx, pdu + " before login completed");
                return;
            }
            step = phase.onLoginRequest(pdu, ctx.alloc());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, remote + ": login failed on an internal error", e);
            ctx.close();
            return;
        } finally {
            pdu.release();
        }
        long now = now(ctx);
        long wait = step.deniesAccess() ? backoff.failed(source, now) : backoff.delayNanos(source, now);
        if (wait <= 0) {
            reply(ctx, step);
            return;
        }
        LOG.log(Level.INFO, "{0}: login answer held for {1} ms after {2} failed logins from {3}", remote,
                Long.toString(TimeUnit.NANOSECONDS.toMillis(wait)), Integer.toString(backoff.failures(source)),
                source);
        heldStep = step;
        heldReply = ctx.executor().schedule(() -> {
            heldStep = null;
            heldReply = null;
            reply(ctx, step);
        }, wait, TimeUnit.NANOSECONDS);
    }

    private void reply(ChannelHandlerContext ctx, LoginStep step) {
        switch (step.status()) {
            case CONTINUE -> ctx.writeAndFlush(step.response());
            case FAILED -> {
                cancelTimeout();
                ctx.writeAndFlush(step.response()).addListener(ChannelFutureListener.CLOSE);
            }
            case COMPLETE -> {
                finishing = true;
                // A reinstated session's tasks must be out of the storage path before the new
                // session may touch the same blocks (RFC 7143 §6.3.5).
                CompletableFuture<Void> before = admitted == null
                        ? CompletableFuture.completedFuture(null) : admitted.predecessorGone();
                before.whenComplete((v, e) -> ctx.executor().execute(() -> complete(ctx, step)));
            }
        }
    }

    private void complete(ChannelHandlerContext ctx, LoginStep step) {
        cancelTimeout();
        LoginResult result = step.result();
        if (!ctx.channel().isActive()) {
            step.response().release();
            registry.release(result.tsih());
            return;
        }
        var params = result.params();
        if (result.type() == SessionType.NORMAL) {
            backoff.succeeded(source);
        }
        Session session = new Session(result, identity, cfg.portalGroupTag(), remote, ctx.channel().eventLoop(), executor,
                registry, cfg.commandWindow());
        Connection connection = new Connection(ctx.channel(), session.window, result.statSn(),
                params.maxXmitDataSegmentLength());
        session.attach(connection);
        registry.register(session);
        if (result.type() == SessionType.NORMAL) {
            executor.nexusAdded(session.nexus());
        }
        // Inbound: the next PDU already follows the negotiated limits and digests.
        PduDecoder decoder = ctx.pipeline().get(PduDecoder.class);
        decoder.setMaxRecvDataSegmentLength(params.maxRecvDataSegmentLength());
        decoder.setDigests(params.headerDigest(), params.dataDigest());
        // Outbound: the encoder encodes on write, so the final Login Response goes out without
        // digests and everything written after it with them.
        ctx.writeAndFlush(step.response());
        ctx.pipeline().get(PduEncoder.class).setDigests(params.headerDigest(), params.dataDigest());
        LOG.log(Level.INFO, "session {0} opened: {1} isid={2} from {3}{4}", Integer.toString(result.tsih()),
                result.initiatorName(), String.format("%012x", result.isid()), remote,
                result.type() == SessionType.DISCOVERY ? " (discovery)" : "");
        ctx.pipeline().replace(this, "session", new SessionHandler(session, connection, cfg, executor, registry));
    }

    private static String identity(ChannelHandlerContext ctx, String chapName) {
        if (chapName != null) {
            return "CHAP name " + chapName;
        }
        return "address " + SourceKey.addressOf(ctx.channel().remoteAddress());
    }

    private void protocolError(ChannelHandlerContext ctx, String why) {
        LOG.log(Level.INFO, "{0}: protocol error: {1}; connection closed", remote, why);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.INFO, "{0}: connection closed during login: {1}", remote, cause.toString());
        ctx.close();
    }

    /** The event loop's clock, which tests can move (an embedded loop's ticker). */
    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor() instanceof AbstractScheduledEventExecutor e ? e.ticker().nanoTime() : System.nanoTime();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        if (heldReply != null && heldReply.cancel(false)) {
            heldStep.response().release(); // never written
            heldStep = null;
            heldReply = null;
        }
        if (admitted != null && !finishing) {
            registry.release(admitted.tsih());
        }
        ctx.fireChannelInactive();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
