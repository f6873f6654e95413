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
                    "127.0.0.1:51000", 17));
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
                .post("/boom", r -> CompletableFuture.failedFuture(new IllegalStateException("engine said no")));
        server = AdminServer.bind(group, NioServerSocketChannel.class,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), routes);
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
        HttpRequest req = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
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
                    () -> AdminServer.bind(group, NioServerSocketChannel.class, addr, new AdminRoutes()));
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use",
                    e.getMessage());
        }
    }
}
