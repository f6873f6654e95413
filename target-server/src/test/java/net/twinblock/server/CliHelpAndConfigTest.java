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
        assertTrue(help.startsWith("usage: twinblock status [--json | --watch [SECONDS]] [--admin HOST:PORT | --config FILE]"),
                help);
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

        assertEquals(3, run("status", "--config", conf.toString()));
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

    @Test
    void configCheckOfAValidFileSaysWhatTheNodeWouldBeInOneLine() throws IOException {
        Path key = Files.writeString(dir.resolve("pair.key"), "a shared key of the pair, 36 bytes\n");
        Path conf = Files.writeString(dir.resolve("primary.conf"), String.join("\n", "node.name = alpha",
                "mirror.role = primary", "mirror.peer = 127.0.0.1:3280", "mirror.secret-file = " + key,
                "lun.0.size = 1G", "lun.1.size = 64M", "iscsi.listen = 127.0.0.1:3260", ""));
        assertEquals(0, run("config", "check", conf.toString()));
        assertEquals(conf + ": valid: node alpha, primary (peer 127.0.0.1:3280), 2 LUNs (0: 1.0 GiB, 1: 64.0 MiB),"
                + " iSCSI on 127.0.0.1:3260, admin on 127.0.0.1:3270\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void configCheckNamesTheMissingKeystoreWhenTheMirrorLinkNeedsTls() throws IOException {
        Path key = Files.writeString(dir.resolve("pair.key"), "a shared key of the pair, 36 bytes\n");
        Path conf = Files.writeString(dir.resolve("primary.conf"), String.join("\n", "mirror.role = primary",
                "mirror.peer = 10.0.0.2:3280", "mirror.secret-file = " + key, ""));
        assertEquals(2, run("config", "check", conf.toString()));
        String checked = err.toString(StandardCharsets.UTF_8);
        assertTrue(checked.startsWith("config error: mirror.tls.keystore: is required because the mirror link uses"
                + " TLS (mirror.tls = auto and the link leaves loopback"), checked);
    }

    @Test
    void configCheckOfABadFileIsExit2WithTheKeyAndReasonAsServeSaysIt() throws IOException {
        Path conf = Files.writeString(dir.resolve("bad.conf"), "lun.0.size = 12Q\n");
        assertEquals(2, run("config", "check", conf.toString()));
        String checked = err.toString(StandardCharsets.UTF_8);
        assertTrue(checked.startsWith("config error: lun.0.size: "), checked);
        err.reset();
        assertEquals(2, run("serve", "--config", conf.toString()));
        assertEquals(checked, err.toString(StandardCharsets.UTF_8), "the same text the node prints at start");
        err.reset();
        assertEquals(2, run("config", "check", dir.resolve("none.conf").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("config error: "), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("config", "check"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("config error: config: expected: config check FILE"),
                err.toString(StandardCharsets.UTF_8));
    }
}
