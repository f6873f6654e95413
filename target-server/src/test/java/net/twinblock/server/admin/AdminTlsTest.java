package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import net.twinblock.server.tls.TlsFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint over HTTPS with a keystore made by examples/admin-tls/make-keystore.sh,
 * called by the CLI's client trusting that certificate (from the keystore, or as PEM).
 */
class AdminTlsTest {

    private static final AdminToken TOKEN = AdminToken.of("tls-test-token-0123456789");

    @TempDir
    static Path dir;
    private static EventLoopGroup group;
    private static AdminServer server;

    @BeforeAll
    static void start() throws Exception {
        Process p = new ProcessBuilder("../examples/admin-tls/make-keystore.sh", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AdminRoutes routes = new AdminRoutes()
                .get("/health", AdminEndpoint.immediate(r -> AdminReply.json(200, Map.of("serving", true))))
                .post("/verify", AdminEndpoint.immediate(r -> AdminReply.json(200, Map.of("verified", true))));
        server = AdminServer.bind(group, NioServerSocketChannel.class,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), routes,
                new AdminGuard(TOKEN, List.of(), TlsFiles.server(keystore(), dir.resolve("admin.p12.password"))));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static Path keystore() {
        return dir.resolve("admin.p12");
    }

    @Test
    void theCliTrustingTheNodesKeystoreRunsACommandOverHttps() throws Exception {
        AdminClient client = new AdminClient(server.localAddress(), "tls-test-token-0123456789",
                TlsFiles.trustingKeystore(keystore(), dir.resolve("admin.p12.password")));
        AdminClient.Answer answer = client.post("/verify");
        assertEquals(200, answer.status(), answer.body());
        assertTrue(answer.body().contains("\"verified\": true"), answer.body());
    }

    @Test
    void thePemCertificateIsTrustedToo() throws Exception {
        AdminClient client = new AdminClient(server.localAddress(), null, TlsFiles.trustingPem(dir.resolve("admin.pem")));
        assertTrue(client.get("/health").contains("serving"));
    }

    @Test
    void plainHttpAndAnUntrustingClientGetNoAnswer() throws Exception {
        AdminClient plain = new AdminClient(server.localAddress(), null, null);
        assertThrows(AdminClient.Unreachable.class, () -> plain.get("/health"));
        AdminClient untrusting = new AdminClient(server.localAddress(), null,
                javax.net.ssl.SSLContext.getDefault());
        AdminClient.Unreachable e = assertThrows(AdminClient.Unreachable.class, () -> untrusting.get("/health"));
        assertTrue(String.valueOf(e.getCause()).contains("SSL") || String.valueOf(e.getCause()).contains("PKIX"),
                String.valueOf(e.getCause()));
    }

    @Test
    void aWrongPasswordOrNoKeystoreNamesTheFile() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong.password"), "not-it\n");
        IOException bad = assertThrows(IOException.class, () -> TlsFiles.server(keystore(), wrong));
        assertTrue(bad.getMessage().contains(keystore().toString()), bad.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> TlsFiles.server(dir.resolve("none.p12"), dir.resolve("admin.p12.password")));
        assertTrue(missing.getMessage().contains("none.p12"), missing.getMessage());
    }
}
