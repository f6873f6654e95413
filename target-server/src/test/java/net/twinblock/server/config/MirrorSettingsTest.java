package net.twinblock.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.twinblock.mirror.pair.OnPeerLoss;
import net.twinblock.mirror.pair.PairConfig;
import net.twinblock.mirror.pair.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror.* keys as an administrator writes them, and every way to get them wrong. */
class MirrorSettingsTest {

    private static final String KEY = "0123456789abcdef0123"; // 20 bytes

    @TempDir
    Path dir;

    private Path secretFile(String content) throws Exception {
        Path f = dir.resolve("pair.key");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static NodeConfig config(List<String> lines) throws ConfigException {
        return NodeConfig.from(RawConfig.parse(lines, "pair.conf"));
    }

    private List<String> primary(Path secret, String... more) {
        List<String> lines = new ArrayList<>(List.of("mirror.role = primary", "mirror.peer = 127.0.0.1:3280",
                "mirror.secret-file = " + secret));
        lines.addAll(List.of(more));
        return lines;
    }

    @Test
    void aStandaloneNodeNeedsNoMirrorKeys() throws Exception {
        MirrorSettings m = NodeConfig.defaults().mirror();
        assertFalse(m.paired());
        assertNull(m.secret());
        assertEquals(1, m.portGroup());
        assertThrows(IllegalStateException.class, m::pairConfig);
    }

    @Test
    void theNodeNameIsTheHostNameUnlessSet() throws Exception {
        Path secret = secretFile(KEY);
        String host = config(primary(secret)).mirror().pairConfig().nodeName();
        assertEquals(PairConfig.hostName(), host);
        assertFalse(host.isBlank());
        assertEquals("alpha", config(primary(secret, "node.name = alpha")).mirror().pairConfig().nodeName());
        ConfigException e = assertThrows(ConfigException.class,
                () -> config(primary(secret, "node.name = " + "n".repeat(256))));
        assertTrue(e.getMessage().startsWith("node.name: must be 1 to 255 characters long"), e.getMessage());
    }

    @Test
    void aPrimaryGetsEveryKeyInTheEnginesTerms() throws Exception {
        Path secret = secretFile(KEY + "\n");
        NodeConfig c = config(primary(secret, "mirror.small-write-threshold = 16K", "mirror.on-peer-loss = continue",
                "mirror.suspend-timeout = 5s", "mirror.heartbeat = 200ms", "iscsi.port-group = 2"));
        MirrorSettings m = c.mirror();
        assertTrue(m.paired());
        assertEquals(2, m.portGroup());
        PairConfig p = m.pairConfig();
        assertEquals(Role.PRIMARY, p.role());
        assertEquals(new InetSocketAddress("127.0.0.1", 3280), p.peer());
        // The trailing newline of "echo KEY > file" is not part of the key.
        assertArrayEquals(KEY.getBytes(StandardCharsets.US_ASCII), p.secret());
        assertEquals(16 * 1024, p.smallWriteThreshold());
        assertEquals(OnPeerLoss.CONTINUE, p.onPeerLoss());
        assertEquals(Duration.ofSeconds(5), p.suspendTimeout());
        assertEquals(Duration.ofMillis(200), p.heartbeat());
    }

    @Test
    void theSafeDefaultsAreSuspendFor30sAnd32KibSmallWrites() throws Exception {
        PairConfig p = config(primary(secretFile(KEY))).mirror().pairConfig();
        assertEquals(OnPeerLoss.SUSPEND, p.onPeerLoss());
        assertEquals(Duration.ofSeconds(30), p.suspendTimeout());
        assertEquals(32 * 1024, p.smallWriteThreshold());
    }

    @Test
    void aSecondaryNeedsMirrorListen() throws Exception {
        Path secret = secretFile(KEY);
        ConfigException e = assertThrows(ConfigException.class, () -> config(List.of("mirror.role = secondary",
                "mirror.secret-file = " + secret)));
        assertEquals("mirror.listen", e.key());
        PairConfig p = config(List.of("mirror.role = secondary", "mirror.listen = 127.0.0.1:3280",
                "mirror.secret-file = " + secret)).mirror().pairConfig();
        assertEquals(Role.SECONDARY, p.role());
        assertEquals(new InetSocketAddress("127.0.0.1", 3280), p.listen());
    }

    @Test
    void theSecretFileIsRequiredInAPair() {
        ConfigException e = assertThrows(ConfigException.class, () -> config(List.of("mirror.role = primary",
                "mirror.peer = 127.0.0.1:3280")));
        assertEquals("mirror.secret-file", e.key());
        assertTrue(e.getMessage().contains("is required"), e.getMessage());
    }

    @Test
    void aMissingSecretFileIsNamed() {
        Path missing = dir.resolve("nope.key");
        ConfigException e = assertThrows(ConfigException.class, () -> config(primary(missing)));
        assertEquals("mirror.secret-file", e.key());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void aShortKeyIsRefusedWithoutShowingIt() throws Exception {
        // 15 bytes plus a newline: the newline does not count.
        Path secret = secretFile("fifteen-bytes!!\n");
        ConfigException e = assertThrows(ConfigException.class, () -> config(primary(secret)));
        assertEquals("mirror.secret-file", e.key());
        assertTrue(e.getMessage().contains("too short: 15 bytes, at least 16"), e.getMessage());
        assertFalse(e.getMessage().contains("fifteen"), e.getMessage());
    }

    @Test
    void aDirectoryOrAHugeFileIsNotAKey() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> config(primary(dir)));
        assertEquals("mirror.secret-file", e.key());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        Path big = dir.resolve("image.img");
        Files.write(big, new byte[MirrorSettings.MAX_SECRET_BYTES + 1]);
        e = assertThrows(ConfigException.class, () -> config(primary(big)));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void withAWitnessTheSuspendTimeoutMustOutlastTheLease() throws Exception {
        Path secret = secretFile(KEY);
        ConfigException e = assertThrows(ConfigException.class, () -> config(primary(secret,
                "mirror.witness = 127.0.0.1:3290", "mirror.lease = 5s", "mirror.suspend-timeout = 5s")));
        assertEquals("mirror.suspend-timeout", e.key());
        assertTrue(e.getMessage().contains("mirror.lease") && e.getMessage().contains("mirror.witness"), e.getMessage());
        assertTrue(config(primary(secret, "mirror.witness = 127.0.0.1:3290")).mirror().paired(), "the defaults agree");
    }

    @Test
    void aPairMirrorsEveryLunOfItsConfig() throws Exception {
        Path secret = secretFile(KEY);
        NodeConfig c = config(primary(secret, "lun.0.size = 16M", "lun.1.size = 16M", "lun.5.size = 8M"));
        assertTrue(c.mirror().paired());
        assertEquals(List.of(0, 1, 5), List.copyOf(c.luns().keySet()));
    }

    @Test
    void theMirrorLinkCannotShareAPortWithIscsiOrAdmin() throws Exception {
        Path secret = secretFile(KEY);
        ConfigException e = assertThrows(ConfigException.class, () -> config(List.of("mirror.role = secondary",
                "mirror.listen = 127.0.0.1:3260", "mirror.secret-file = " + secret)));
        assertEquals("mirror.listen", e.key());
        assertTrue(e.getMessage().contains("iSCSI portal"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> config(List.of("mirror.role = secondary",
                "mirror.listen = 127.0.0.1:3270", "mirror.secret-file = " + secret)));
        assertTrue(e.getMessage().contains("admin.listen"), e.getMessage());
    }

    @Test
    void theKeyNeverAppearsInToString() throws Exception {
        NodeConfig c = config(primary(secretFile(KEY)));
        assertFalse(c.mirror().toString().contains(KEY));
        assertFalse(c.mirror().pairConfig().toString().contains(KEY));
    }
}
