package net.twinblock.server;

import static org.awaitility.Awaitility.await;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.server.admin.AdminClient;
import net.twinblock.server.config.NodeConfig;
import net.twinblock.server.config.RawConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of a pair in one JVM over real loopback sockets: what the admin endpoint says about
 * the pair, the ALUA states of each side, and promotion through HTTP and the command line.
 */
class PairWiringTest {

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(Node::stop);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Each node's admin token, which the CLI's commands carry (created by the node at start). */
    private final java.util.Map<Node, String> tokenFiles = new java.util.HashMap<>();

    private Node start(String name, String... keys) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "iscsi.listen = 127.0.0.1:" + freePort(),
                "admin.listen = 127.0.0.1:" + freePort(),
                "iscsi.target = iqn.2026-11.net.twinblock.test:pair",
                "data.dir = " + dir.resolve(name),
                "lun.0.size = 4M",
                "mirror.secret-file = " + dir.resolve("pair.key")));
        lines.addAll(List.of(keys));
        Node node = Node.start(NodeConfig.from(RawConfig.parse(lines, name + ".conf")));
        nodes.add(node);
        tokenFiles.put(node, dir.resolve(name).resolve("admin.token").toString());
        return node;
    }

    private static String status(Node node) throws Exception {
        return new AdminClient(node.adminAddress(), null, null).get("/status");
    }

    private static String metrics(Node node) throws Exception {
        return new AdminClient(node.adminAddress(), null, null).get("/metrics");
    }

    private record Cli(int exit, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new CompletableFuture<>());
        return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String admin(Node node) {
        return "127.0.0.1:" + node.adminAddress().getPort();
    }

    @Test
    void aPairReportsItsRolesAluaStatesAndLinkThenPromotesOnlyOnceThePrimaryIsGone() throws Exception {
        Files.writeString(dir.resolve("pair.key"), "a shared key of the pair, 36 bytes\n");
        int link = freePort();
        Node secondary = start("secondary", "mirror.role = secondary", "mirror.listen = 127.0.0.1:" + link,
                "iscsi.port-group = 2");
        Node primary = start("primary", "mirror.role = primary", "mirror.peer = 127.0.0.1:" + link);

        await().atMost(Duration.ofSeconds(20)).until(() -> status(primary).contains("\"state\": \"in_sync\"")
                && status(secondary).contains("\"state\": \"in_sync\""));
        String p = status(primary);
        assertTrue(p.contains("\"role\": \"primary\""), p);
        assertTrue(p.contains("\"aluaState\": \"active_optimized\""), p);
        assertTrue(p.contains("\"portGroup\": 1"), p);
        assertTrue(p.contains("\"onPeerLoss\": \"suspend\""), p);
        String s = status(secondary);
        assertTrue(s.contains("\"role\": \"secondary\""), s);
        assertTrue(s.contains("\"aluaState\": \"active_non_optimized\""), s);
        assertTrue(s.contains("\"portGroup\": 2"), s);
        assertTrue(s.contains("\"peer\": \"127.0.0.1:"), s);
        assertTrue(p.contains("\"peer\": \"127.0.0.1:" + link + "\""), p);
        String m = metrics(secondary);
        assertTrue(m.contains("twinblock_mirror_info{role=\"secondary\",state=\"in_sync\""), m);
        assertTrue(m.contains("twinblock_mirror_link_up{lun=\"0\"} 1"), m);
        assertTrue(m.contains("twinblock_mirror_received_frames_total{lun=\"0\",path=\"small\"}"), m);

        // Two primaries would split the data: refused while the primary is connected, with the reason.
        Cli refused = cli("promote", "--admin", admin(secondary), "--token-file", tokenFiles.get(secondary));
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().startsWith("promote refused: cannot promote: the primary"), refused.err());
        assertTrue(refused.err().contains("still connected"), refused.err());
        assertTrue(status(secondary).contains("\"role\": \"secondary\""));
        Cli already = cli("promote", "--admin", admin(primary), "--token-file", tokenFiles.get(primary));
        assertEquals(1, already.exit(), already.toString());
        assertTrue(already.err().contains("already the primary"), already.err());

        primary.stop();
        nodes.remove(primary);
        await().atMost(Duration.ofSeconds(20)).until(() -> status(secondary).contains("\"state\": \"connecting\""));
        Cli promoted = cli("promote", "--admin", admin(secondary), "--token-file", tokenFiles.get(secondary));
        assertEquals(0, promoted.exit(), promoted.toString());
        assertTrue(promoted.out().contains("\"result\": \"promoted\""), promoted.out());
        assertTrue(promoted.out().contains("\"role\": \"primary\""), promoted.out());
        String after = status(secondary);
        assertTrue(after.contains("\"role\": \"primary\""), after);
        // ALUA follows the role at once: this node's group is now the optimized one.
        assertTrue(after.contains("\"aluaState\": \"active_optimized\""), after);
        assertTrue(metrics(secondary).contains("twinblock_mirror_primary 1"));
    }

    @Test
    void aStandaloneNodeRefusesPromotion() throws Exception {
        Node node = start("alone");
        assertTrue(status(node).contains("\"role\": \"standalone\""));
        Cli refused = cli("promote", "--admin", admin(node), "--token-file", tokenFiles.get(node));
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().startsWith("promote refused: this node is standalone"), refused.err());
        // No mirror metrics on a standalone node.
        assertTrue(!metrics(node).contains("twinblock_mirror_"));
    }

    @Test
    void promotingANodeNobodyListensAtIsExitCode3() throws Exception {
        Path token = Files.writeString(dir.resolve("some.token"), "0123456789abcdef0123456789\n");
        Cli c = cli("promote", "--admin", "127.0.0.1:" + freePort(), "--token-file", token.toString());
        assertEquals(3, c.exit(), c.toString());
        assertTrue(c.err().startsWith("promote: cannot reach the admin endpoint"), c.err());
    }

    @Test
    void aMirrorListenInUseIsAStartFailureNamingTheKey() throws Exception {
        Files.writeString(dir.resolve("pair.key"), "a shared key of the pair, 36 bytes\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            StartFailure e = org.junit.jupiter.api.Assertions.assertThrows(StartFailure.class, () -> start("busy",
                    "mirror.role = secondary", "mirror.listen = 127.0.0.1:" + taken.getLocalPort()));
            assertTrue(e.getMessage().contains("mirror.listen"), e.getMessage());
        }
    }
}
