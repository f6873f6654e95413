package net.twinblock.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.witness.WitnessAnswer;
import net.twinblock.mirror.witness.WitnessClient;
import net.twinblock.mirror.witness.WitnessClientSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code twinblock witness}: its options, their errors, and a witness that serves until it is told to stop. */
class WitnessCommandTest {

    private static final String KEY = "a pair's key for the witness!!!!";

    @TempDir
    Path dir;

    private Path keys;
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @BeforeEach
    void keyFile() throws Exception {
        keys = dir.resolve("witness.keys");
        Files.writeString(keys, KEY + "\n");
    }

    private int run(CompletableFuture<Void> stop, String... args) {
        return Main.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), stop);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private void assertUsageError(String expected, String... args) {
        errBytes.reset();
        String[] all = new String[args.length + 1];
        all[0] = "witness";
        System.arraycopy(args, 0, all, 1, args.length);
        assertEquals(2, run(new CompletableFuture<>(), all), err());
        assertEquals("config error: " + expected + System.lineSeparator(), err());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void eachBadOptionIsNamedAndExits2() {
        String data = dir.resolve("data").toString();
        assertUsageError("--listen: is required: the address the nodes connect to (their mirror.witness) (got '')");
        assertUsageError("--listen: expected host:port, e.g. 127.0.0.1:3260 or [::1]:3260 (got 'nowhere')", "--listen", "nowhere",
                "--secret-file", keys.toString(), "--data-dir", data);
        assertUsageError("--secret-file: is required: a file with the pairs' keys, one per line (got '')",
                "--listen=127.0.0.1:1", "--data-dir", data);
        assertUsageError("--data-dir: is required: a directory for the pairs' state (got '')",
                "--listen=127.0.0.1:1", "--secret-file", keys.toString());
        assertUsageError("--lease: expected a duration with a unit: ms, s, m or h (e.g. 5s) (got '3')",
                "--listen=127.0.0.1:1", "--secret-file", keys.toString(), "--data-dir", data, "--lease", "3");
        assertUsageError("--lease: must be between 100ms and 10m (got '50ms')", "--listen=127.0.0.1:1",
                "--secret-file", keys.toString(), "--data-dir", data, "--lease=50ms");
        assertUsageError("--port: unknown option; expected --listen, --secret-file, --data-dir, --lease, --log-level"
                + " (got '--port=1')", "--port=1");
        assertUsageError("--listen: given twice (got '127.0.0.1:2')", "--listen=127.0.0.1:1", "--listen", "127.0.0.1:2");
        assertUsageError("--data-dir: needs a value", "--data-dir");
    }

    @Test
    void aKeyFileWithAShortKeyIsExit2NamingTheLine() throws Exception {
        Files.writeString(keys, KEY + "\ntoo short\n");
        assertEquals(2, run(new CompletableFuture<>(), "witness", "--listen=127.0.0.1:1", "--secret-file",
                keys.toString(), "--data-dir", dir.resolve("data").toString()));
        assertTrue(err().startsWith("config error: --secret-file: line 2 is too short: 9 bytes"), err());
    }

    @Test
    void helpShowsTheWitnessOptions() {
        assertEquals(0, run(new CompletableFuture<>(), "witness", "--help"));
        String out = outBytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("usage: twinblock witness --listen HOST:PORT --secret-file FILE --data-dir DIR"), out);
        assertTrue(out.contains("--lease DURATION"), out);
        outBytes.reset();
        assertEquals(0, run(new CompletableFuture<>(), "help"));
        assertTrue(outBytes.toString(StandardCharsets.UTF_8).contains("  witness --listen HOST:PORT"));
    }

    @Test
    void itServesPairsUntilStoppedAndThenReleasesItsPort() throws Exception {
        int port = freePort();
        Path data = dir.resolve("data");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(stop, "witness", "--listen",
                "127.0.0.1:" + port, "--secret-file", keys.toString(), "--data-dir", data.toString(), "--lease", "1s"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        WitnessClient client = new WitnessClient(new InetSocketAddress("127.0.0.1", port),
                KEY.getBytes(StandardCharsets.US_ASCII), WitnessClientSettings.DEFAULTS, group, NioSocketChannel.class);
        try {
            client.start();
            await("client connected").atMost(Duration.ofSeconds(20)).until(() -> exit.isDone() || client.connected());
            WitnessAnswer a = client.renewLease("pair", "a", 1).get(10, TimeUnit.SECONDS);
            assertTrue(a.granted(), a.toString());
            assertEquals(Duration.ofSeconds(1).toNanos(), a.lease().grantedNanos());
            assertTrue(Files.list(data).anyMatch(f -> f.getFileName().toString().endsWith(".state")));

            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> run(new CompletableFuture<>(),
                    "witness", "--listen", "127.0.0.1:" + freePortUnchecked(), "--secret-file", keys.toString(),
                    "--data-dir", data.toString()));
            assertEquals(1, second.get(20, TimeUnit.SECONDS), "a second witness on the same data directory");
            assertTrue(err().contains("cannot start the witness: another witness process uses the data directory "
                    + data), err());
        } finally {
            client.close();
            stop.complete(null);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort());
        }
    }

    private static int freePortUnchecked() {
        try {
            return freePort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
