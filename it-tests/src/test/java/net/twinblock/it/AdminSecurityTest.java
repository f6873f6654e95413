package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint of a real node against a local user without the token and a web page in a
 * browser on the node's host: commands need the token, Host and Origin must be the endpoint's,
 * /metrics and /health stay open; and a node whose endpoint is HTTPS, used by the CLI.
 */
class AdminSecurityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static NodeProcess node;

    @BeforeAll
    static void startNode() {
        node = NodeProcess.start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** One HTTP/1.1 request as a browser or a script would send it; the whole answer. */
    private static String http(int port, String method, String path, String host, String... headers)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String own() {
        return "127.0.0.1:" + node.adminPort();
    }

    @Test
    void theTokenFileIsCreatedPrivateInTheDataDir() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(node.adminTokenFile())));
        assertTrue(Files.readString(node.adminTokenFile()).strip().matches("[0-9a-f]{64}"));
    }

    @Test
    void aCommandWithoutTheTokenIsRefusedAndDoesNothing() throws IOException {
        String r = http(node.adminPort(), "POST", "/verify", own());
        assertTrue(r.startsWith("HTTP/1.1 401"), r);
        assertTrue(r.contains("this command needs the admin token"), r);
        assertTrue(node.logText().contains("admin POST /verify from /127.0.0.1"), node.logTail(10));
        String wrong = http(node.adminPort(), "POST", "/promote?force=true", own(),
                "Authorization: Bearer 00000000000000000000000000000000");
        assertTrue(wrong.startsWith("HTTP/1.1 401"), wrong);
        assertTrue(node.cli(TIMEOUT, "status", "--json").stdout().contains("\"role\": \"standalone\""));
    }

    @Test
    void theCliCarriesTheToken() {
        ToolResult verify = node.cli(TIMEOUT, "verify");
        assertEquals(1, verify.exitCode(), verify.describe());
        assertTrue(verify.stderr().startsWith("verify refused: ") && !verify.stderr().contains("admin token"),
                "accepted, then refused on its merits (a standalone node has no copy to compare): "
                        + verify.describe());
    }

    @Test
    void aForeignOriginOrHostIsRefusedEvenWithTheToken() throws IOException {
        String token = "Authorization: Bearer " + Files.readString(node.adminTokenFile()).strip();
        String csrf = http(node.adminPort(), "POST", "/verify", own(), token, "Origin: https://evil.example");
        assertTrue(csrf.startsWith("HTTP/1.1 403"), csrf);
        String rebound = http(node.adminPort(), "POST", "/verify", "evil.example:" + node.adminPort(), token);
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(http(node.adminPort(), "GET", "/status", "evil.example").startsWith("HTTP/1.1 403"));
    }

    @Test
    void metricsAndHealthNeedNoToken() throws IOException {
        String metrics = http(node.adminPort(), "GET", "/metrics", own());
        assertTrue(metrics.startsWith("HTTP/1.1 200"), metrics);
        assertTrue(metrics.contains("twinblock_node_info"), metrics);
        assertTrue(http(node.adminPort(), "GET", "/health", "localhost:" + node.adminPort()).startsWith("HTTP/1.1 200"));
    }

    @Test
    void anHttpsEndpointServesTheCliWithTheNodesCertificate() throws Exception {
        Path tls = NodeProcess.newWorkDir("admin-tls");
        Process make = new ProcessBuilder("../examples/admin-tls/make-keystore.sh", tls.toString())
                .redirectErrorStream(true).start();
        String made = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(60, TimeUnit.SECONDS) && make.exitValue() == 0, made);
        try (NodeProcess secure = NodeProcess.builder()
                .arg("--admin.allow-remote=true")
                .arg("--admin.tls.keystore=" + tls.resolve("admin.p12"))
                .arg("--admin.tls.keystore-password-file=" + tls.resolve("admin.p12.password"))
                .start()) {
            ToolResult status = secure.cli(TIMEOUT, "status", "--json", "--cacert", tls.resolve("admin.pem").toString());
            assertEquals(0, status.exitCode(), status.describe());
            assertTrue(status.stdout().contains("\"state\": \"serving\""), status.describe());
            ToolResult verify = secure.cli(TIMEOUT, "verify", "--cacert", tls.resolve("admin.pem").toString());
            assertTrue(verify.stderr().startsWith("verify refused: ") && !verify.stderr().contains("token"),
                    verify.describe());
            // Without the certificate to trust the CLI cannot reach it; plain HTTP gets no answer.
            ToolResult untrusted = secure.cli(TIMEOUT, "status");
            assertNotEquals(0, untrusted.exitCode(), untrusted.describe());
            String plain = http(secure.adminPort(), "GET", "/status", "127.0.0.1:" + secure.adminPort());
            assertTrue(!plain.startsWith("HTTP/1.1 200"), plain);
        }
    }

    @Test
    void aTokenFileOthersMayReadStopsTheNode() throws IOException {
        Path data = NodeProcess.newWorkDir("token").resolve("data");
        Files.createDirectories(data);
        Path token = Files.writeString(data.resolve("admin.token"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        ToolResult r = NodeProcess.runJar(TIMEOUT, "serve", "--iscsi.listen=127.0.0.1:" + NodeProcess.freePort(),
                "--admin.listen=127.0.0.1:" + NodeProcess.freePort(), "--data.dir=" + data, "--lun.0.size=1M");
        assertEquals(1, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains("may be read by others") && r.stderr().contains("(admin.token-file)"),
                r.describe());
        assertTrue(List.of(r.stdout(), r.stderr()).stream().noneMatch(o -> o.contains(NodeProcess.READY_LINE)));
    }
}
