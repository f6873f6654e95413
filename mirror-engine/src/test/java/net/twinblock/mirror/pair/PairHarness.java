package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.store.FileVolume;

/** Two (or more) pair nodes in one JVM over real loopback TCP, each on its own real file. */
final class PairHarness implements AutoCloseable {

    static final byte[] SECRET = "correct horse battery staple".getBytes(StandardCharsets.US_ASCII);
    static final long SIZE = 16L * 1024 * 1024;
    static final int BLOCK = 512;
    /** Short enough that a silent peer is noticed within seconds, long enough for a loaded build machine. */
    static final Duration HEARTBEAT = Duration.ofMillis(500);

    final Path dir;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory());
    final ExecutorService io = Executors.newFixedThreadPool(4);
    private final List<PairNode> nodes = new ArrayList<>();
    private final List<FileVolume> volumes = new ArrayList<>();

    /** A loopback address nobody listens on now: a link address for a node to take, or a partner that is gone. */
    static InetSocketAddress freeAddress() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress("127.0.0.1", s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    PairHarness(Path dir) {
        this.dir = dir;
    }

    FileVolume volume(String name) {
        return volume(name, SIZE);
    }

    FileVolume volume(String name, long size) {
        return volume(name, size, BLOCK);
    }

    FileVolume volume(String name, long size, int blockSize) {
        FileVolume v = FileVolume.open(dir.resolve(name), size, blockSize, io);
        volumes.add(v);
        return v;
    }

    static PairConfig secondaryConfig() {
        return PairConfig.of(Role.SECONDARY, new InetSocketAddress("127.0.0.1", 0), null, SECRET)
                .withHeartbeat(HEARTBEAT);
    }

    static PairConfig primaryConfig(InetSocketAddress peer) {
        return PairConfig.of(Role.PRIMARY, null, peer, SECRET).withHeartbeat(HEARTBEAT);
    }

    PairNode start(PairConfig cfg, FileVolume volume, boolean created) {
        return start(cfg, volume, PairOptions.defaults().withVolumeCreated(created));
    }

    PairNode start(PairConfig cfg, FileVolume volume, PairOptions options) {
        PairNode n = PairNode.start(cfg, volume, group, NioServerSocketChannel.class, NioSocketChannel.class, options);
        nodes.add(n);
        return n;
    }

    /** A node of several volumes, all new or all existing. */
    PairNode start(PairConfig cfg, java.util.Map<Integer, FileVolume> volumes, boolean created) {
        List<PairNode.VolumeSetup> setups = new ArrayList<>();
        volumes.forEach((n, v) -> setups.add(new PairNode.VolumeSetup(n, v,
                PairOptions.defaults().withVolumeCreated(created))));
        PairNode node = PairNode.start(cfg, setups, group, NioServerSocketChannel.class, NioSocketChannel.class);
        nodes.add(node);
        return node;
    }

    static ByteBuf data(byte[] bytes) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] read(FileVolume v, long offset, int length) throws Exception {
        ByteBuf b = v.read(offset, length, PooledByteBufAllocator.DEFAULT).get(30, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    static byte[] file(Path p) throws Exception {
        return Files.readAllBytes(p);
    }

    @Override
    public void close() {
        for (PairNode n : nodes) {
            n.close();
        }
        for (FileVolume v : volumes) {
            v.close();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdown();
        try {
            io.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
