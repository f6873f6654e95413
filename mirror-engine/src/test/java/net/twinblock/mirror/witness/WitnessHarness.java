package net.twinblock.mirror.witness;

import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real witness on a free loopback port with a short lease, its data in a test directory, and
 * real clients; everything it started is closed by {@link #close}.
 */
final class WitnessHarness implements AutoCloseable {

    static final byte[] KEY_1 = "the first pair's key: 32 bytes!!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEY_2 = "the other pair's key: 32 bytes!!".getBytes(StandardCharsets.US_ASCII);
    /** Short, so promotion tests wait little; no test asserts how long anything took. */
    static final Duration LEASE = Duration.ofMillis(400);
    static final WitnessClientSettings CLIENT = new WitnessClientSettings(Duration.ofSeconds(5), Duration.ofMillis(50),
            Duration.ofMillis(20), Duration.ofMillis(200));

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Path dir;
    private final List<WitnessClient> clients = new ArrayList<>();
    private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
    private WitnessServer witness;

    WitnessHarness(Path dir) throws IOException {
        this.dir = dir;
        start();
    }

    /** (Re)starts the witness on its address and data directory. */
    void start() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                witness = WitnessServer.start(new WitnessSettings(address, List.of(KEY_1, KEY_2), dir, LEASE), group,
                        NioServerSocketChannel.class);
                break;
            } catch (IOException e) {
                // A redialling client may hold the free port for an instant (a socket connected to
                // itself, which the client drops at once): the restart tries again.
                if (attempt >= 20 || !String.valueOf(e.getMessage()).contains("in use")) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        address = witness.localAddress();
    }

    void stop() throws IOException {
        witness.close();
    }

    InetSocketAddress address() {
        return address;
    }

    Path dir() {
        return dir;
    }

    /** A client with {@code key}, started; connected before it returns if {@code await}. */
    WitnessClient client(byte[] key, boolean awaitConnected) {
        WitnessClient c = new WitnessClient(address, key, CLIENT, group, NioSocketChannel.class);
        clients.add(c);
        c.start();
        if (awaitConnected) {
            await("witness client connected").atMost(Duration.ofSeconds(10)).until(c::connected);
        }
        return c;
    }

    WitnessClient client(byte[] key) {
        return client(key, true);
    }

    /** The answer, or the call's failure as thrown; a test never waits forever. */
    static WitnessAnswer get(CompletableFuture<WitnessAnswer> call) throws Exception {
        try {
            return call.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the call neither completed nor failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            clients.forEach(WitnessClient::close);
            witness.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
