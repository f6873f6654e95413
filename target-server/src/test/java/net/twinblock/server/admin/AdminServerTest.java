package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.session.SessionInfo;
import net.twinblock.server.metrics.CommandCounters;
import net.twinblock.server.metrics.StorageCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint over real HTTP on a loopback port. */
class AdminServerTest {

    private static final AdminToken TOKEN = AdminToken.of("0123456789abcdef-test-token");

    private EventLoopGroup group;
    private AdminServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final StorageCounters lun0 = new StorageCounters();
    private final CommandCounters commands = new CommandCounters();

    private final NodeView node = new NodeView() {
        @Override
        public String state() {
            return "serving";
        }

        @Override
        public Duration uptime() {
            return Duration.ofSeconds(42);
        }

        @Override
        public String version() {
            return "test";
        }

        @Override
        public String transport() {
            return "nio";
        }

        @Override
        public String targetName() {
            return "iqn.2026-11.net.twinblock:vol0";
        }

        @Override
        public String targetAlias() {
            return "a \"quoted\" alias";
        }

        @Override
        public List<InetSocketAddress> portals() {
            return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 3260));
        }

        @Override
        public String authentication() {
            return "none";
        }

        @Override
        public List<Lun> luns() {
            return List.of(new Lun(0, 1 << 30, 512, Path.of("/data/lun0.img"), "TB0011", "60274620011", lun0));
        }

        @Override
        public List<SessionInfo> sessions() {
            return List.of(new SessionInfo("iqn.1994-05.com.redhat:host1", "23d000000001", 1, "normal",
                    "127.0.0.1:51000", 17, 1, 2));
        }

        @Override
        public CommandCounters commands() {
            return commands;
        }
    };

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AdminRoutes routes = new AdminRoutes()
                .get("/status", AdminEndpoint.immediate(r -> AdminReply.json(200, StatusReport.of(node))))
                .get("/metrics", AdminEndpoint.immediate(r -> AdminReply.prometheus(MetricsReport.of(node))))
                .post("/boom", r -> CompletableFuture.failedFuture(new IllegalStateException("engine said no")))
                .post("/command", AdminEndpoint.immediate(r -> AdminReply.json(200, java.util.Map.of("done", true))));
        server = AdminServer.bind(group, NioServerSocketChannel.class,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), routes,
                new AdminGuard(TOKEN, List.of("node1.example.com"), null));
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return call(method, path, TOKEN.authorization());
    }

    private HttpResponse<String> call(String method, String path, String authorization, String... headers)
            throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        if (headers.length > 0) {
            req.headers(headers);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One raw HTTP/1.1 request with exactly the Host we choose (the JDK client will not send a foreign one). */
    private String rawRequest(String method, String path, String host, String... headerLines) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(5000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            for (String h : headerLines) {
                req.append(h).append("\r\n");
            }
            req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            s.getOutputStream().write(req.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aCommandWithoutTheTokenIs401AndDoesNotRun() throws Exception {
        HttpResponse<String> none = call("POST", "/command", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("this command needs the admin token"), none.body());
        assertEquals(401, call("POST", "/command", "Bearer 0123456789abcdef-test-tokeX").statusCode());
        assertEquals(401, call("POST", "/command", "Basic MDEyMzQ1Njc4OWFiY2RlZi10ZXN0LXRva2Vu").statusCode());
        HttpResponse<String> ok = call("POST", "/command", TOKEN.authorization());
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void metricsAndStatusNeedNoToken() throws Exception {
        assertEquals(200, call("GET", "/metrics", null).statusCode());
        assertEquals(200, call("GET", "/status", null).statusCode());
    }

    @Test
    void aHostThatIsNotThisEndpointIs403EvenWithTheToken() throws Exception {
        int port = server.localAddress().getPort();
        String rebound = rawRequest("POST", "/command", "attacker.example:" + port, "Authorization: "
                + TOKEN.authorization());
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(rebound.contains("the Host header does not name this admin endpoint"), rebound);
        assertTrue(rawRequest("GET", "/metrics", "attacker.example:" + port).startsWith("HTTP/1.1 403"));
        assertTrue(rawRequest("GET", "/metrics", "127.0.0.1:" + (port + 1)).startsWith("HTTP/1.1 403"),
                "another port is another endpoint");
        assertTrue(rawRequest("GET", "/metrics", "localhost:" + port).startsWith("HTTP/1.1 200"));
        assertTrue(rawRequest("GET", "/metrics", "NODE1.example.com:" + port).startsWith("HTTP/1.1 200"),
                "a name from admin.host-names");
    }

    @Test
    void aForeignOriginIs403AndTheEndpointsOwnIsNot() throws Exception {
        int port = server.localAddress().getPort();
        HttpResponse<String> csrf = call("POST", "/command", TOKEN.authorization(), "Origin", "https://evil.example");
        assertEquals(403, csrf.statusCode(), csrf.body());
        assertEquals(403, call("GET", "/status", null, "Origin", "null").statusCode());
        assertEquals(403, call("GET", "/status", null, "Origin", "https://127.0.0.1:" + port).statusCode(),
                "https is another origin than this plain HTTP endpoint");
        assertEquals(200, call("GET", "/status", null, "Origin", "http://127.0.0.1:" + port).statusCode());
    }

    @Test
    void statusIsJsonWithTargetLunsAndSessions() throws Exception {
        HttpResponse<String> r = call("GET", "/status");
        assertEquals(200, r.statusCode());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        String body = r.body();
        assertTrue(body.contains("\"state\": \"serving\""), body);
        assertTrue(body.contains("\"name\": \"iqn.2026-11.net.twinblock:vol0\""), body);
        assertTrue(body.contains("\"alias\": \"a \\\"quoted\\\" alias\""), "quotes escaped: " + body);
        assertTrue(body.contains("\"127.0.0.1:3260\""), body);
        assertTrue(body.contains("\"sizeBytes\": 1073741824"), body);
        assertTrue(body.contains("\"blocks\": 2097152"), body);
        assertTrue(body.contains("\"path\": \"/data/lun0.img\""), body);
        assertTrue(body.contains("\"initiator\": \"iqn.1994-05.com.redhat:host1\""), body);
        assertTrue(body.contains("\"commands\": 17"), body);
        assertTrue(body.contains("\"uptimeSeconds\": 42"), body);
    }

    @Test
    void metricsAreInPrometheusTextFormatAndMove() throws Exception {
        lun0.read(4096);
        lun0.written(8192);
        commands.started();
        commands.finished("good", 50_000);

        HttpResponse<String> r = call("GET", "/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        String body = r.body();
        assertTrue(body.contains("# TYPE twinblock_scsi_commands_total counter\n"), body);
        assertTrue(body.contains("twinblock_scsi_commands_total{status=\"good\"} 1\n"), body);
        assertTrue(body.contains("twinblock_scsi_command_duration_seconds_count 1\n"), body);
        assertTrue(body.contains("twinblock_lun_read_bytes_total{lun=\"0\"} 4096\n"), body);
        assertTrue(body.contains("twinblock_lun_written_bytes_total{lun=\"0\"} 8192\n"), body);
        assertTrue(body.contains("twinblock_iscsi_sessions{type=\"normal\"} 1\n"), body);
        assertTrue(body.contains("twinblock_iscsi_sessions{type=\"discovery\"} 0\n"), body);
        for (String line : body.split("\n")) {
            assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[^}]*\\})? [0-9.Ee+-]+"),
                    "not a Prometheus sample line: " + line);
        }
    }

    @Test
    void unknownPathIsA404InJson() throws Exception {
        HttpResponse<String> r = call("GET", "/promote");
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("\"error\": \"no such endpoint\""), r.body());
        assertTrue(r.body().contains("\"path\": \"/promote\""), r.body());
    }

    @Test
    void wrongMethodIsA405NamingTheAllowedOnes() throws Exception {
        HttpResponse<String> r = call("POST", "/status");
        assertEquals(405, r.statusCode());
        assertEquals("GET", r.headers().firstValue("allow").orElseThrow());
        assertTrue(r.body().contains("method not allowed"), r.body());
    }

    @Test
    void aFailingCommandIsA500AndTheConnectionStaysUsable() throws Exception {
        HttpResponse<String> r = call("POST", "/boom");
        assertEquals(500, r.statusCode());
        assertTrue(r.body().contains("engine said no"), r.body());
        assertEquals(200, call("GET", "/status").statusCode());
    }

    @Test
    void bindingAPortInUseSaysWhichAndWhy() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), taken.getLocalPort());
            BindFailure e = assertThrows(BindFailure.class,
                    () -> AdminServer.bind(group, NioServerSocketChannel.class, addr, new AdminRoutes(),
                            new AdminGuard(TOKEN, List.of(), null)));
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use",
                    e.getMessage());
        }
    }
}
