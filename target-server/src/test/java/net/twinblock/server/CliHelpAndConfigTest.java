package net.twinblock.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code COMMAND --help}, and {@code --config} read only for the admin address. */
class CliHelpAndConfigTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new CompletableFuture<>());
    }

    @Test
    void statusHelpPrintsThatCommandAndExitsZero() {
        assertEquals(0, run("status", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("usage: twinblock status [--admin HOST:PORT | --config FILE]"), help);
        assertTrue(help.contains("exit codes:"), help);
        assertTrue(!help.contains("promote"), help);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void promoteHelpKeepsItsContinuationLines() {
        assertEquals(0, run("promote", "-h"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("--force serves that"), help);
        assertTrue(!help.contains("resolve"), help);
    }

    @Test
    void configIsReadOnlyForTheAdminAddress() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        // A secret file relative to the config's own directory, which this run is not in: the
        // whole node config would not validate from here, and need not.
        Path conf = Files.writeString(dir.resolve("secondary.conf"), String.join("\n",
                "admin.listen = 127.0.0.1:" + port, "mirror.role = secondary", "mirror.listen = 127.0.0.1:1",
                "mirror.peer = 127.0.0.1:2", "mirror.secret-file = ./no-such.key", ""));

        assertEquals(1, run("status", "--config", conf.toString()));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("status: cannot reach the admin endpoint at 127.0.0.1:" + port), e);
    }

    @Test
    void aBadAdminAddressInTheConfigIsExitCode2() throws IOException {
        Path conf = Files.writeString(dir.resolve("bad.conf"), "admin.listen = nowhere\n");
        assertEquals(2, run("status", "--config", conf.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("config error: admin.listen:"),
                err.toString(StandardCharsets.UTF_8));
    }
}
