package net.twinblock.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.server.config.Key;
import net.twinblock.server.config.Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes and the one-line messages, via Main.run (no System.exit). */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return run(new CompletableFuture<>(), args);
    }

    private int run(CompletableFuture<Void> stop, String... args) {
        return Main.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), stop);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void aBadValueIsOneLineNamingTheKeyAndExitCode2() {
        assertEquals(2, run("serve", "--iscsi.command-window=64"));
        assertEquals("config error: iscsi.command-window: must be between 128 and 65536 (got '64')"
                + System.lineSeparator(), err());
    }

    @Test
    void anUnknownCommandIsExitCode2() {
        assertEquals(2, run("frobnicate"));
        assertEquals("config error: command: unknown command; expected serve, witness, status, sessions, events, promote, demote, resolve, verify, resync, config, help or version "
                + "(got 'frobnicate')" + System.lineSeparator(), err());
    }

    @Test
    void badOptionSyntaxIsExitCode2() {
        assertEquals(2, run("serve", "iscsi.listen=127.0.0.1:3260"));
        assertTrue(err().startsWith("config error: command line: expected --key=value or --config FILE "
                + "(got 'iscsi.listen=127.0.0.1:3260')"), err());
        errBytes.reset();
        assertEquals(2, run("serve", "--iscsi.listen"));
        assertTrue(err().startsWith("config error: --iscsi.listen: expected --key=value"), err());
        errBytes.reset();
        assertEquals(2, run("serve", "--config"));
        assertTrue(err().startsWith("config error: --config: needs a file name"), err());
        errBytes.reset();
        assertEquals(2, run("serve", "--no.such-key=1"));
        assertTrue(err().startsWith("config error: no.such-key: unknown key (command line)"), err());
    }

    @Test
    void resolveWithoutANodeNameIsExitCode2() {
        for (String[] args : new String[][] {{"resolve"}, {"resolve", "--discard"}, {"resolve", "--discard="},
                {"resolve", "--discard", "--admin", "127.0.0.1:1"}}) {
            errBytes.reset();
            assertEquals(2, run(args), String.join(" ", args));
            assertTrue(err().startsWith("config error: resolve: say which node's data to drop: resolve --discard NAME"),
                    err());
        }
    }

    @Test
    void anUnreadableConfigFileIsExitCode2() throws Exception {
        Path missing = dir.resolve("missing.conf");
        assertEquals(2, run("serve", "--config", missing.toString()));
        assertEquals("config error: --config: no such file (got '" + missing + "')" + System.lineSeparator(), err());

        errBytes.reset();
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "# fine\niscsi.listen 127.0.0.1:3260\n");
        assertEquals(2, run("serve", "--config=" + bad));
        assertEquals("config error: bad.conf:2: expected 'key = value' (got 'iscsi.listen 127.0.0.1:3260')"
                + System.lineSeparator(), err());
    }

    @Test
    void noArgumentsPrintsUsageAndHelpListsEveryKey() {
        assertEquals(2, run());
        assertTrue(err().startsWith("usage:"), err());
        assertEquals(0, run("help"));
        List<Key<?>> all = new ArrayList<>(Keys.nodeKeys());
        all.addAll(Keys.lunKeys());
        all.addAll(Keys.aclKeys());
        for (Key<?> k : all) {
            assertTrue(out().contains(k.name()), "help lacks " + k.name());
        }
    }

    @Test
    void statusOfANodeThatIsNotThereIsExitCode3() throws Exception {
        int port = freePort();
        assertEquals(3, run("status", "--admin", "127.0.0.1:" + port));
        assertTrue(err().startsWith("status: cannot reach the admin endpoint at 127.0.0.1:" + port
                + ": connection refused"), err());
        errBytes.reset();
        assertEquals(2, run("status", "--admin=nowhere"));
        assertTrue(err().startsWith("config error: --admin: expected host:port"), err());
    }

    @Test
    void aNodeThatTakesTheConnectionButNeverAnswersIsExitCode4() throws Exception {
        // A listen backlog accepts the connection in the kernel; nobody ever reads the request.
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(4, run("status", "--admin", "127.0.0.1:" + silent.getLocalPort()));
            assertTrue(err().startsWith("status: the admin endpoint at 127.0.0.1:" + silent.getLocalPort()
                    + " did not answer within 5 s"), err());
        }
    }

    @Test
    void serveRunsUntilStoppedAndStatusSeesIt() throws Exception {
        int iscsi = freePort();
        int admin = freePort();
        Path data = dir.resolve("data");
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "admin.listen = 127.0.0.1:" + admin + "\n");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(stop, "serve",
                "--config", conf.toString(), "--iscsi.listen=127.0.0.1:" + iscsi, "--data.dir=" + data,
                "--lun.0.size=4M", "--lun.1.size=8M", "--lun.1.block-size=4096"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                outBytes.reset();
                return exit.isDone() || run("status", "--json", "--config", conf.toString()) == 0;
            });
            String status = out();
            assertTrue(status.contains("\"state\": \"serving\""), status + err());
            assertTrue(status.contains("\"127.0.0.1:" + iscsi + "\""), status);
            assertTrue(status.contains("\"blockSize\": 4096"), status);
            try (Socket s = new Socket("127.0.0.1", iscsi)) {
                assertTrue(s.isConnected(), "the iSCSI portal accepts connections");
            }
            assertEquals(4L << 20, Files.size(data.resolve("lun0.img")));
            assertEquals(8L << 20, Files.size(data.resolve("lun1.img")));
        } finally {
            stop.complete(null);
        }
        assertEquals(0, exit.get(30, TimeUnit.SECONDS), err());
        // Everything was released: both ports can be bound again at once.
        new ServerSocket(iscsi, 1, InetAddress.getByName("127.0.0.1")).close();
        new ServerSocket(admin, 1, InetAddress.getByName("127.0.0.1")).close();
    }

    @Test
    void commandsCarryTheTokenFromTheNodesConfigOrTokenFile() throws Exception {
        int admin = freePort();
        Path data = dir.resolve("data");
        Path conf = Files.writeString(dir.resolve("node.conf"), "admin.listen = 127.0.0.1:" + admin + "\n"
                + "data.dir = " + data + "\n" + "iscsi.listen = 127.0.0.1:" + freePort() + "\n" + "lun.0.size = 1M\n");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(stop, "serve", "--config",
                conf.toString()));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> exit.isDone() || run("status", "--admin",
                    "127.0.0.1:" + admin) == 0);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(data.resolve("admin.token"))), "created private at start");

            errBytes.reset();
            assertEquals(1, run("verify", "--config", conf.toString()));
            assertTrue(err().startsWith("verify refused: ") && !err().contains("admin token"),
                    "the token of the config's data.dir was accepted, the command ran: " + err());

            errBytes.reset();
            Path wrong = Files.writeString(dir.resolve("wrong.token"), "not-this-nodes-token-0123\n");
            assertEquals(1, run("verify", "--admin", "127.0.0.1:" + admin, "--token-file", wrong.toString()));
            assertTrue(err().startsWith("verify refused: this command needs the admin token"), err());

            errBytes.reset();
            assertEquals(2, run("verify", "--admin", "127.0.0.1:" + admin, "--token-file",
                    dir.resolve("none").toString()));
            assertTrue(err().startsWith("config error: --token-file: cannot read the admin token"), err());
            assertTrue(err().contains(dir.resolve("none").toString()), err());
        } finally {
            stop.complete(null);
        }
        assertEquals(0, exit.get(30, TimeUnit.SECONDS), err());
    }

    @Test
    void aPortalInUseIsOneClearLineAndExitCode1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertEquals(1, run("serve", "--iscsi.listen=127.0.0.1:" + port, "--admin.listen=127.0.0.1:" + freePort(),
                    "--data.dir=" + dir, "--lun.0.size=1M"));
            assertEquals("cannot listen on 127.0.0.1:" + port + ": Address already in use" + System.lineSeparator(),
                    err());
        }
    }

    @Test
    void anAdminPortInUseIsOneClearLineAndExitCode1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertEquals(1, run("serve", "--iscsi.listen=127.0.0.1:" + freePort(), "--admin.listen=127.0.0.1:" + port,
                    "--data.dir=" + dir, "--lun.0.size=1M"));
            assertEquals("cannot listen on 127.0.0.1:" + port + ": Address already in use (admin.listen)"
                    + System.lineSeparator(), err());
        }
    }

    @Test
    void anExistingImageOfAnotherSizeIsRefusedAsAConfigError() throws Exception {
        Path image = dir.resolve("lun0.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(2L << 20);
        }
        assertEquals(2, run("serve", "--iscsi.listen=127.0.0.1:" + freePort(), "--admin.listen=127.0.0.1:" + freePort(),
                "--data.dir=" + dir, "--lun.0.size=1M"));
        assertTrue(err().startsWith("config error: lun.0.size: the image " + image + " already exists with 2097152"
                + " bytes; a LUN's size cannot change (got '1048576')"), err());
        assertEquals(2L << 20, Files.size(image), "the image was not touched");
    }
}
