package net.twinblock.mirror.link;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbox over a real TCP connection on loopback: a burst of frames costs one flush (one
 * writev, one wake-up) yet arrives complete and in order, and nothing leaks when the link is gone.
 */
@ExtendWith(LeakGuard.class)
class LinkOutboxTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private EventLoopGroup secondaryLoop;
    private EventLoopGroup primaryLoop;
    private Channel server;
    private Channel link;
    /** What the far end decoded: opcode and sequence of each frame, in arrival order. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger flushes = new AtomicInteger();

    /** Counts the flushes that reach the socket: each one is a writev. */
    private final class FlushCounter extends ChannelOutboundHandlerAdapter {
        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }

    @BeforeEach
    void connect() {
        secondaryLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        primaryLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(secondaryLoop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new PeerFrameDecoder(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.add(((PeerMessage) msg).opcode() + " " + sequence(msg));
                                ReferenceCountUtil.release(msg); // seen: the test keeps only its name
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        link = new Bootstrap().group(primaryLoop).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FlushCounter(), new PeerFrameEncoder());
                    }
                }).connect(server.localAddress()).syncUninterruptibly().channel();
    }

    @AfterEach
    void close() {
        if (link.isOpen()) {
            link.close().syncUninterruptibly();
        }
        server.close().syncUninterruptibly();
        primaryLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        secondaryLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static int sequence(Object msg) {
        if (msg instanceof SmallWrite w) {
            return w.sequence();
        }
        if (msg instanceof WriteBegin b) {
            return b.transferId();
        }
        if (msg instanceof WriteData d) {
            return d.transferId();
        }
        if (msg instanceof WriteEnd e) {
            return e.transferId();
        }
        return ((WriteAck) msg).sequence();
    }

    private static ByteBuf block(int n) {
        return Unpooled.directBuffer(n).writeZero(n);
    }

    /** Holds the link's event loop until the returned latch opens, so frames from other threads pile up. */
    private CountDownLatch holdLoop() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch open = new CountDownLatch(1);
        link.eventLoop().execute(() -> {
            running.countDown();
            try {
                open.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        return open;
    }

    @Test
    void aBurstFromAnotherThreadArrivesInOrderAfterOneFlush() throws InterruptedException {
        LinkOutbox out = LinkOutbox.of(link);
        assertSame(out, LinkOutbox.of(link), "one outbox per channel, shared by every handler");
        CountDownLatch open = holdLoop();
        int before = flushes.get();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            out.write(new SmallWrite(i, 4096L * i, false, block(4096)));
            expected.add("WRITE " + i);
            if (i == 20) {
                // A large write in the middle: its three frames stay together.
                out.write(new WriteFramer(4096, 256 * 1024).frames(1000, 0, block(128 * 1024), true));
                expected.addAll(List.of("WRITE_BEGIN 1000", "WRITE_DATA 1000", "WRITE_END 1000"));
            }
        }
        open.countDown();

        await().atMost(WAIT).until(() -> received.size() == expected.size());
        assertEquals(expected, received);
        assertEquals(before + 1, flushes.get(), "43 frames from another thread, one flush");
    }

    @Test
    void framesWrittenOnTheLoopAreFlushedOnceAfterTheTurn() {
        LinkOutbox out = LinkOutbox.of(link);
        int before = flushes.get();
        AtomicInteger flushedDuringTurn = new AtomicInteger(-1);
        link.eventLoop().execute(() -> {
            for (int i = 1; i <= 10; i++) {
                out.write(new WriteAck(i, AckStatus.OK));
            }
            flushedDuringTurn.set(flushes.get() - before);
        });

        await().atMost(WAIT).until(() -> received.size() == 10);
        assertEquals(0, flushedDuringTurn.get(), "nothing is flushed while the turn still runs");
        assertEquals(before + 1, flushes.get(), "ten acknowledgements, one flush");
        assertEquals("WRITE_ACK 1", received.get(0));
        assertEquals("WRITE_ACK 10", received.get(9));
    }

    @Test
    void framesForALinkThatIsGoneAreReleased() {
        link.close().syncUninterruptibly();
        ByteBuf onClosed = block(4096);
        LinkOutbox.of(link).write(new SmallWrite(1, 0, false, onClosed));
        await().atMost(WAIT).until(() -> onClosed.refCnt() == 0);

        primaryLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        ByteBuf onDeadLoop = block(4096);
        LinkOutbox.of(link).write(List.of(new SmallWrite(2, 0, false, onDeadLoop)));
        assertEquals(0, onDeadLoop.refCnt(), "no loop will ever write it: released at once");
    }
}
