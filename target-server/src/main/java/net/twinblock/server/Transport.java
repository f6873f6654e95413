package net.twinblock.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: native epoll on Linux (fewer copies and wake-ups, TCP_NODELAY and
 * friends without reflection), NIO anywhere else or when the native library cannot load.
 *
 * @param name          "epoll" or "nio", shown in status and metrics
 * @param why           why this one was chosen, for the start-up log
 * @param channelClass  outgoing connections (the primary's mirror link)
 */
public record Transport(String name, String why, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannelClass, Class<? extends Channel> channelClass) {

    /** Epoll when available, else NIO. */
    public static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", "epoll (native)", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        Throwable cause = Epoll.unavailabilityCause();
        return nio("nio (epoll unavailable: " + (cause == null ? "unknown reason" : cause.getMessage()) + ")");
    }

    public static Transport nio(String why) {
        return new Transport("nio", why, NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class);
    }

    /** An event loop group of {@code threads} threads named {@code prefix-N}. */
    public EventLoopGroup newGroup(int threads, String prefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix), ioHandlerFactory);
    }
}
