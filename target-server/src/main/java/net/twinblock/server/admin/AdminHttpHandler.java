package net.twinblock.server.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns one aggregated HTTP request into an {@link AdminRequest}, dispatches it, and writes
 * the reply. Requests on one connection are answered in order because HTTP/1.1 clients
 * (curl, Prometheus) send the next request only after the previous answer.
 */
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = System.getLogger(AdminHttpHandler.class.getName());

    private final AdminRoutes routes;
    private final AdminGuard guard;

    AdminHttpHandler(AdminRoutes routes, AdminGuard guard) {
        this.routes = routes;
        this.guard = guard;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        // SimpleChannelInboundHandler releases the request when this returns: copy what we need now.
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            send(ctx, AdminReply.error(400, "malformed HTTP request",
                    Map.of("detail", String.valueOf(request.decoderResult().cause()))), false);
            return;
        }
        AdminReply refusal = guard.refusal(request.method().name(), request.headers().get(HttpHeaderNames.HOST),
                request.headers().get(HttpHeaderNames.ORIGIN), request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (refusal != null) {
            LOG.log(Level.WARNING, "admin {0} {1} from {2} refused ({3}): {4}", request.method().name(),
                    request.uri(), ctx.channel().remoteAddress(), Integer.toString(refusal.status()),
                    AdminClient.errorMessage(refusal.body()));
            send(ctx, refusal, false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
        AdminRequest adminRequest = new AdminRequest(request.method().name(), uri.path(), uri.parameters(),
                request.content().toString(StandardCharsets.UTF_8));
        routes.dispatch(adminRequest).whenComplete((reply, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "admin " + adminRequest.method() + " " + adminRequest.path() + " failed", failure);
                reply = AdminReply.error(500, "internal error", Map.of("detail", String.valueOf(failure)));
            }
            send(ctx, reply, keepAlive);
        });
    }

    private static void send(ChannelHandlerContext ctx, AdminReply reply, boolean keepAlive) {
        // The response owns this buffer; the HTTP encoder releases it once written.
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), reply.body());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (reply.allow() != null) {
            response.headers().set(HttpHeaderNames.ALLOW, reply.allow());
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        // writeAndFlush from a storage thread is safe: Netty hands the write to the event loop.
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "admin connection " + ctx.channel().remoteAddress() + " failed: " + cause);
        ctx.close();
    }
}
