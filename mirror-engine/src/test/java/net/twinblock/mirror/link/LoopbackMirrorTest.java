package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames over a real TCP connection on loopback into a real file: a stand-in secondary (decoder,
 * assembler, apply-to-volume-then-ack) and a primary that frames writes of every size.
 */
@ExtendWith(LeakGuard.class)
class LoopbackMirrorTest {

    private static final int SLOT = 256 * 1024;
    private static final int SLOTS = 64;

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private ExecutorService io;
    private FileVolume volume;
    private final WakeupCounter wakeups = new WakeupCounter();
    private final Map<Integer, CompletableFuture<AckStatus>> pending = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        io = Executors.newFixedThreadPool(2);
        volume = FileVolume.open(dir.resolve("secondary.img"), (long) SLOT * SLOTS, 512, io);
    }

    @AfterEach
    void stop() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        volume.close();
        io.shutdown();
        assertTrue(io.awaitTermination(30, TimeUnit.SECONDS));
    }

    /** The secondary's last handler: apply, then acknowledge; never blocks the event loop. */
    private final class ApplyAndAck extends SimpleChannelInboundHandler<MirroredWrite> {
        ApplyAndAck() {
            super(MirroredWrite.class, false); // we hand the data on, so no auto-release
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MirroredWrite w) {
            // Ownership of w's data passes to the volume, which releases it once written.
            volume.write(w.offset(), w.data(), w.fua()).whenComplete((ok, err) ->
                    ctx.channel().writeAndFlush(new WriteAck(w.sequence(), err == null ? AckStatus.OK : AckStatus.IO_ERROR)));
        }
    }

    private Channel serve() {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new PeerFrameEncoder(), new PeerFrameDecoder(),
                                new WriteAssembler(wakeups), new ApplyAndAck());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    private Channel connect(InetSocketAddress to) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new PeerFrameEncoder(), new PeerFrameDecoder(),
                                new SimpleChannelInboundHandler<WriteAck>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WriteAck ack) {
                                        pending.remove(ack.sequence()).complete(ack.status());
                                    }
                                });
                    }
                }).connect(to).syncUninterruptibly().channel();
    }

    @Test
    void writesOfEverySizeArriveIntactWithOneFramePerSmallWrite() throws Exception {
        Channel server = serve();
        Channel primary = connect((InetSocketAddress) server.localAddress());
        WriteFramer framer = new WriteFramer(32 * 1024, 64 * 1024);
        Random rnd = new Random(11);
        byte[] expected = new byte[SLOT * SLOTS];
        List<CompletableFuture<AckStatus>> acks = new ArrayList<>();
        int small = 0;
        for (int i = 0; i < SLOTS; i++) {
            // Each write gets its own slot: non-overlapping, so apply order does not matter here.
            int length = 512 * (1 + rnd.nextInt(SLOT / 512));
            if (i % 2 == 0) {
                length = 512 * (1 + rnd.nextInt(64)); // at most 32 KiB: the small path
            }
            if (length <= framer.smallWriteThreshold()) {
                small++;
            }
            byte[] data = Frames.random(length, i);
            long offset = (long) i * SLOT;
            System.arraycopy(data, 0, expected, (int) offset, length);
            CompletableFuture<AckStatus> ack = new CompletableFuture<>();
            pending.put(i, ack);
            acks.add(ack);
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(data);
            for (PeerMessage frame : framer.frames(i, offset, buf, i % 7 == 0)) {
                primary.write(frame); // the encoder releases each frame once written
            }
            primary.flush();
        }
        for (CompletableFuture<AckStatus> ack : acks) {
            assertEquals(AckStatus.OK, ack.get(30, TimeUnit.SECONDS));
        }
        ByteBuf all = volume.read(0, expected.length, PooledByteBufAllocator.DEFAULT).get(30, TimeUnit.SECONDS);
        assertArrayEquals(expected, Frames.take(all));

        assertEquals(SLOTS, wakeups.writes());
        assertEquals(small, wakeups.smallWrites());
        assertEquals(1.0, wakeups.framesPerSmallWrite());
        assertTrue(wakeups.framesPerLargeWrite() >= 3, "BEGIN, data, END: " + wakeups.framesPerLargeWrite());
        primary.close().syncUninterruptibly();
        server.close().syncUninterruptibly();
    }
}
