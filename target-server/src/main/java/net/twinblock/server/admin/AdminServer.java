package net.twinblock.server.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;

/**
 * The HTTP admin endpoint, HTTPS when the {@link AdminGuard} has TLS; the guard checks every
 * request before its route runs. The JDK's HttpServer would have been less code, but it brings
 * its own thread pool and blocking I/O into a node that otherwise runs on Netty, and could not
 * share the epoll transport.
 */
public final class AdminServer implements AutoCloseable {

    /** Bodies larger than this are refused with 413: commands are small JSON documents. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Idle keep-alive connections are closed after this many seconds. */
    private static final int IDLE_SECONDS = 60;

    private final Channel channel;

    private AdminServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds the endpoint. Call from a thread other than the group's event loops.
     *
     * @throws BindFailure if the address cannot be bound
     */
    public static AdminServer bind(EventLoopGroup group, Class<? extends ServerChannel> channelClass,
                                   InetSocketAddress address, AdminRoutes routes, AdminGuard guard)
            throws BindFailure {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (guard.tls() != null) {
                            ch.pipeline().addLast("tls", guard.tls().newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS))
                                .addLast("closeIdle", new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt instanceof IdleStateEvent) {
                                            ctx.close();
                                        } else {
                                            ctx.fireUserEventTriggered(evt);
                                        }
                                    }
                                })
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("admin", new AdminHttpHandler(routes, guard));
                    }
                });
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new BindFailure(address, bound.cause());
        }
        guard.listeningOn((InetSocketAddress) bound.channel().localAddress());
        return new AdminServer(bound.channel());
    }

    /** Where it listens (the real port when bound to port 0 in tests). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops listening. Open admin connections close with the event loop group. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }
}
