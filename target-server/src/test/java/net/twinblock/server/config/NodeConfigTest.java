package net.twinblock.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.twinblock.iscsi.config.ChapAlgorithm;
import net.twinblock.iscsi.config.ChapConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeConfigTest {

    private static NodeConfig config(String... lines) throws ConfigException {
        return NodeConfig.from(RawConfig.parse(List.of(lines), "test.conf"));
    }

    private static ConfigException error(String... lines) {
        return assertThrows(ConfigException.class, () -> config(lines));
    }

    @Test
    void theJournalBoundIsASizeOfAtLeastOneMebibyteNamedInItsError() throws Exception {
        assertEquals(256L << 20, NodeConfig.defaults().get(Keys.JOURNAL_MAX_SIZE));
        assertEquals(64L << 20, config("journal.max-size = 64M").get(Keys.JOURNAL_MAX_SIZE));
        assertTrue(error("journal.max-size = 512K").getMessage().startsWith("journal.max-size"),
                "a journal that cannot hold a large write is refused, naming the key");
        assertTrue(error("journal.max-size = lots").getMessage().contains("journal.max-size"));
    }

    @Test
    void consistencyPointsAreOnByDefaultAndABadSettingIsRefusedByName() throws Exception {
        assertTrue(NodeConfig.defaults().get(Keys.CP_ENABLED));
        assertEquals(Duration.ofSeconds(1), NodeConfig.defaults().get(Keys.CP_INTERVAL));
        assertEquals(64L << 20, NodeConfig.defaults().get(Keys.CP_MAX_BYTES));
        assertFalse(config("cp.enabled = false").get(Keys.CP_ENABLED));
        assertEquals(Duration.ofMillis(250), config("cp.interval = 250ms").get(Keys.CP_INTERVAL));
        assertTrue(error("cp.interval = 1ms").getMessage().startsWith("cp.interval"));
        assertTrue(error("cp.max-bytes = 4K").getMessage().startsWith("cp.max-bytes"));
        assertTrue(error("cp.enabled = sometimes").getMessage().startsWith("cp.enabled"));
        assertEquals(Duration.ofMillis(10), NodeConfig.defaults().get(Keys.CP_FLUSH_SPACING));
        assertEquals(Duration.ZERO, config("cp.flush-spacing = 0ms").get(Keys.CP_FLUSH_SPACING));
        assertTrue(error("cp.interval = 100ms", "cp.flush-spacing = 200ms").getMessage().startsWith("cp.flush-spacing"),
                "a flush's point spaced past the interval");
    }

    @Test
    void defaultsServeOneLunOfOneGibOnLoopback() throws Exception {
        NodeConfig c = NodeConfig.defaults();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        assertEquals(List.of(new InetSocketAddress(lo, 3260)), c.get(Keys.ISCSI_LISTEN));
        assertEquals("iqn.2026-11.net.twinblock:vol0", c.get(Keys.ISCSI_TARGET));
        assertNull(c.get(Keys.ISCSI_ALIAS));
        assertNull(c.get(Keys.ISCSI_PORTAL_GROUP_TAG), "unset: the ALUA port group's number");
        assertEquals(1, c.portalGroupTag());
        assertEquals(ChapConfig.NONE, c.chap());
        assertEquals(List.of(ChapAlgorithm.SHA_256, ChapAlgorithm.MD5), c.access().chapAlgorithms(),
                "SHA-256 preferred, MD5 for open-iscsi's default");
        assertEquals(262144, c.get(Keys.ISCSI_MAX_RECV_DATA_SEGMENT_LENGTH));
        assertEquals(262144, c.get(Keys.ISCSI_FIRST_BURST_LENGTH));
        assertEquals(1048576, c.get(Keys.ISCSI_MAX_BURST_LENGTH));
        assertEquals(8, c.get(Keys.ISCSI_MAX_OUTSTANDING_R2T));
        assertEquals(256, c.get(Keys.ISCSI_COMMAND_WINDOW));
        assertEquals(Duration.ofSeconds(15), c.get(Keys.ISCSI_NOP_INTERVAL));
        assertEquals(Duration.ofSeconds(30), c.get(Keys.ISCSI_NOP_TIMEOUT));
        assertEquals(Duration.ofSeconds(30), c.get(Keys.ISCSI_LOGIN_TIMEOUT));
        assertEquals(Path.of("data").toAbsolutePath(), c.get(Keys.DATA_DIR));
        assertEquals(new InetSocketAddress(lo, 3270), c.get(Keys.ADMIN_LISTEN));
        assertFalse(c.get(Keys.ADMIN_ALLOW_REMOTE));
        assertEquals("info", c.get(Keys.LOG_LEVEL));
        assertEquals(Duration.ofSeconds(10), c.get(Keys.SHUTDOWN_DRAIN_TIMEOUT));
        assertEquals(List.of(0), List.copyOf(c.luns().keySet()));
        LunConfig lun0 = c.luns().get(0);
        assertEquals(1L << 30, lun0.sizeBytes());
        assertEquals(512, lun0.blockSize());
        assertEquals(Path.of("data", "lun0.img").toAbsolutePath(), lun0.path());
        assertNull(lun0.serial());
        assertNull(lun0.naa());
    }

    @Test
    void everyKeyIsReadFromTheFile() throws Exception {
        NodeConfig c = config(
                "iscsi.listen = 127.0.0.1:4260, [::1]:4261",
                "iscsi.target = iqn.2004-04.com.example:disk",
                "iscsi.alias = fast disk",
                "iscsi.portal-group-tag = 7",
                "iscsi.chap.user = host1",
                "iscsi.chap.secret = 0123456789ab",
                "iscsi.chap.mutual-user = target1",
                "iscsi.chap.mutual-secret = ba9876543210xyz",
                "iscsi.chap.algorithms = sha256",
                "iscsi.max-recv-data-segment-length = 64K",
                "iscsi.first-burst-length = 65536",
                "iscsi.max-burst-length = 16776192",
                "iscsi.max-outstanding-r2t = 1",
                "iscsi.command-window = 128",
                "iscsi.nop-interval = 2s",
                "iscsi.nop-timeout = 2m",
                "iscsi.login-timeout = 1h",
                "iscsi.max-connections = 100",
                "iscsi.max-connections-per-address = 10",
                "iscsi.ipv6-source-prefix = 56",
                "iscsi.max-sessions-per-initiator = 3",
                "data.dir = /var/lib/twinblock",
                "admin.listen = 10.0.0.1:9000",
                "admin.allow-remote = true",
                "admin.token-file = /etc/twinblock/admin.token",
                "admin.tls.keystore = /etc/twinblock/admin.p12",
                "admin.tls.keystore-password-file = /etc/twinblock/admin.p12.password",
                "admin.host-names = node1.example.com, Node1",
                "log.level = debug",
                "shutdown.drain-timeout = 0s",
                "lun.2.size = 512M",
                "lun.2.block-size = 4096",
                "lun.2.path = /srv/lun2.img",
                "lun.2.serial = SER-2",
                "lun.2.naa = 6001405aaaaaaaaaaaaaaaaaaaaaaaaa");
        assertEquals(2, c.get(Keys.ISCSI_LISTEN).size());
        assertEquals(4261, c.get(Keys.ISCSI_LISTEN).get(1).getPort());
        assertEquals("iqn.2004-04.com.example:disk", c.get(Keys.ISCSI_TARGET));
        assertEquals("fast disk", c.get(Keys.ISCSI_ALIAS));
        assertEquals(7, c.get(Keys.ISCSI_PORTAL_GROUP_TAG));
        assertEquals(new ChapConfig("host1", "0123456789ab", "target1", "ba9876543210xyz"), c.chap());
        assertEquals(List.of(ChapAlgorithm.SHA_256), c.access().chapAlgorithms());
        assertEquals(65536, c.get(Keys.ISCSI_MAX_RECV_DATA_SEGMENT_LENGTH));
        assertEquals(65536, c.get(Keys.ISCSI_FIRST_BURST_LENGTH));
        assertEquals(16776192, c.get(Keys.ISCSI_MAX_BURST_LENGTH));
        assertEquals(1, c.get(Keys.ISCSI_MAX_OUTSTANDING_R2T));
        assertEquals(128, c.get(Keys.ISCSI_COMMAND_WINDOW));
        assertEquals(Duration.ofSeconds(2), c.get(Keys.ISCSI_NOP_INTERVAL));
        assertEquals(Duration.ofMinutes(2), c.get(Keys.ISCSI_NOP_TIMEOUT));
        assertEquals(Duration.ofHours(1), c.get(Keys.ISCSI_LOGIN_TIMEOUT));
        assertEquals(100, c.get(Keys.ISCSI_MAX_CONNECTIONS));
        assertEquals(10, c.get(Keys.ISCSI_MAX_CONNECTIONS_PER_ADDRESS));
        assertEquals(56, c.get(Keys.ISCSI_IPV6_SOURCE_PREFIX));
        assertEquals(3, c.get(Keys.ISCSI_MAX_SESSIONS_PER_INITIATOR));
        assertEquals(Path.of("/var/lib/twinblock"), c.get(Keys.DATA_DIR));
        assertEquals(9000, c.get(Keys.ADMIN_LISTEN).getPort());
        assertTrue(c.get(Keys.ADMIN_ALLOW_REMOTE));
        assertEquals(Path.of("/etc/twinblock/admin.token"), c.adminTokenFile());
        assertEquals(Path.of("/etc/twinblock/admin.p12"), c.get(Keys.ADMIN_TLS_KEYSTORE));
        assertEquals(List.of("node1.example.com", "node1"), c.get(Keys.ADMIN_HOST_NAMES));
        assertEquals("debug", c.get(Keys.LOG_LEVEL));
        assertEquals(Duration.ZERO, c.get(Keys.SHUTDOWN_DRAIN_TIMEOUT));
        assertEquals(List.of(2), List.copyOf(c.luns().keySet()), "lun.2.* defines LUN 2 only, no default LUN 0");
        LunConfig lun2 = c.luns().get(2);
        assertEquals(512L << 20, lun2.sizeBytes());
        assertEquals(4096, lun2.blockSize());
        assertEquals(Path.of("/srv/lun2.img"), lun2.path());
        assertEquals("SER-2", lun2.serial());
        assertArrayEquals(HexFormat.of().parseHex("6001405aaaaaaaaaaaaaaaaaaaaaaaaa"), lun2.naa());
    }

    @Test
    void lunAttributesDefaultPerLunAndPathsFollowDataDir() throws Exception {
        NodeConfig c = config("data.dir = /srv/tb", "lun.0.block-size = 4096", "lun.5.size = 64M");
        assertEquals(List.of(0, 5), List.copyOf(c.luns().keySet()));
        assertEquals(1L << 30, c.luns().get(0).sizeBytes());
        assertEquals(4096, c.luns().get(0).blockSize());
        assertEquals(Path.of("/srv/tb/lun0.img"), c.luns().get(0).path());
        assertEquals(Path.of("/srv/tb/lun5.img"), c.luns().get(5).path());
        assertEquals(512, c.luns().get(5).blockSize());
    }

    @Test
    void commandLineWinsOverTheFile() throws Exception {
        RawConfig file = RawConfig.parse(List.of("iscsi.command-window = 300", "iscsi.alias = from file"), "f.conf");
        RawConfig cli = RawConfig.empty();
        cli.put("iscsi.command-window", "400", "command line");
        NodeConfig c = NodeConfig.from(file.overriddenBy(cli));
        assertEquals(400, c.get(Keys.ISCSI_COMMAND_WINDOW));
        assertEquals("from file", c.get(Keys.ISCSI_ALIAS));
    }

    @Test
    void commentsBlankLinesAndEmptyValuesMeanDefaults() throws Exception {
        NodeConfig c = config("# a comment", "   # indented comment", "", "   ", "iscsi.alias =",
                "# iscsi.listen = 10.0.0.1:3260");
        assertEquals(NodeConfig.defaults(), c);
        assertEquals(NodeConfig.defaults(), config("\uFEFF# config saved by an editor with a BOM"));
    }

    @Test
    void anEmptyValueForAKeyWithADefaultIsNotAccepted() {
        // "iscsi.listen =" would silently become the default address; say so instead.
        assertEquals("iscsi.listen: needs a value (the default is '127.0.0.1:3260'; remove the line to use it)"
                + " (got ' ')", assertThrows(ConfigException.class, () -> {
                    RawConfig raw = RawConfig.empty();
                    raw.put("iscsi.listen", " ", "command line");
                    NodeConfig.from(raw);
                }).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "iscsi.listen = 127.0.0.1                     | iscsi.listen: expected host:port",
        "iscsi.listen = 127.0.0.1:70000               | iscsi.listen: port must be between 1 and 65535 (got '127.0.0.1:70000')",
        "iscsi.target = vol0                          | iscsi.target: expected an iSCSI name",
        "iscsi.alias = a\u0001b                         | iscsi.alias: control characters are not allowed",
        "iscsi.portal-group-tag = 0                   | iscsi.portal-group-tag: must be between 1 and 65535 (got '0')",
        "iscsi.chap.user = two words                  | iscsi.chap.user: only printable ASCII without spaces",
        "iscsi.chap.secret = short                    | iscsi.chap.secret: must be 12 to 255 characters long (got '<hidden, 5 characters>')",
        "iscsi.chap.secret = 0x0123456789abcdef       | iscsi.chap.secret: a 0x secret is 12 to 255 bytes: 24 to 510 hex digits (got '<hidden, 18 characters>')",
        "iscsi.acl = iqn.2026-11.a:b,host             | iscsi.acl: expected an iSCSI name",
        "iscsi.chap.algorithms = SHA256,SHA1          | iscsi.chap.algorithms: expected SHA256, MD5 or both",
        "admin.host-names = node1.example.com:3270    | admin.host-names: expected host names",
        "iscsi.max-connections-per-address = 0        | iscsi.max-connections-per-address: must be between 1 and",
        "iscsi.ipv6-source-prefix = 16                | iscsi.ipv6-source-prefix: must be between 32 and 128",
        "iscsi.acl.1.chap.user = alice                | iscsi.acl.1.iqn: must be set: iscsi.acl.1.* names no initiator",
        "iscsi.acl.01.iqn = iqn.2026-11.a:b           | iscsi.acl.01.iqn: entry number must be 0 to 9999",
        "iscsi.acl.0.iqns = iqn.2026-11.a:b           | iscsi.acl.0.iqns: unknown key",
        "iscsi.chap.mutual-user = a b                 | iscsi.chap.mutual-user: only printable ASCII",
        "iscsi.chap.mutual-secret = 0xzz              | iscsi.chap.mutual-secret: a 0x secret is 12 to 255 bytes",
        "iscsi.max-recv-data-segment-length = 511     | iscsi.max-recv-data-segment-length: must be between 512 and 16777215 bytes (got '511')",
        "iscsi.max-recv-data-segment-length = 16M     | iscsi.max-recv-data-segment-length: must be between 512 and 16777215 bytes (got '16M')",
        "iscsi.first-burst-length = lots              | iscsi.first-burst-length: expected a size",
        "iscsi.max-burst-length = 256                 | iscsi.max-burst-length: must be between 512",
        "iscsi.max-outstanding-r2t = 0                | iscsi.max-outstanding-r2t: must be between 1 and 65535 (got '0')",
        "iscsi.command-window = 127                   | iscsi.command-window: must be between 128 and 65536 (got '127')",
        "iscsi.command-window = 1e3                   | iscsi.command-window: expected a whole number",
        "iscsi.nop-interval = 5                       | iscsi.nop-interval: expected a duration with a unit",
        "iscsi.nop-timeout = 0s                       | iscsi.nop-timeout: must be between 1s and 1h (got '0s')",
        "iscsi.login-timeout = 2h                     | iscsi.login-timeout: must be between 1s and 1h (got '2h')",
        "data.dir = bad\u0000path                       | data.dir: not a valid path",
        "admin.listen = 127.0.0.1                     | admin.listen: expected host:port",
        "admin.allow-remote = yes                     | admin.allow-remote: expected true or false (got 'yes')",
        "log.level = verbose                          | log.level: expected one of debug, info, warning, error (got 'verbose')",
        "shutdown.drain-timeout = 11m                 | shutdown.drain-timeout: must be between 0s and 10m (got '11m')",
        "lun.0.size = 0                               | lun.0.size: must be between 512 and",
        "lun.0.size = 1.5G                            | lun.0.size: expected a size such as 4096, 512K, 1G or 2T (got '1.5G')",
        "lun.3.block-size = 1024                      | lun.3.block-size: expected one of 512, 4096 (got '1024')",
        "lun.0.serial = has space                     | lun.0.serial: only printable ASCII without spaces",
        "lun.0.naa = 1234                             | lun.0.naa: expected 32 hex digits",
        "lun.01.size = 1G                             | lun.01.size: LUN number must be 0 to 16383 without leading zeros",
        "lun.16384.size = 1G                          | lun.16384.size: LUN number must be 0 to 16383",
        "lun.0.sise = 1G                              | lun.0.sise: unknown key (test.conf:1); did you mean lun.0.size? (got '1G')",
        "iscsi.lisen = 127.0.0.1:3260                 | iscsi.lisen: unknown key (test.conf:1); did you mean iscsi.listen? (got '127.0.0.1:3260')",
        "mirror.peers = 10.0.0.2:3300                 | mirror.peers: unknown key (test.conf:1); did you mean mirror.peer? (got '10.0.0.2:3300')",
        "node.name = two words                        | node.name: only printable ASCII without spaces",
        "mirror.role = master                         | mirror.role: expected one of standalone, primary, secondary (got 'master')",
        "mirror.role = primary                        | mirror.peer: is required on a primary",
        "mirror.on-peer-loss = ignore                 | mirror.on-peer-loss: expected one of suspend, continue (got 'ignore')",
        "mirror.small-write-threshold = 1M            | mirror.small-write-threshold: must be between 0 and 262144 bytes (got '1M')",
        "mirror.suspend-timeout = 0s                  | mirror.suspend-timeout: must be between 1s and 1h (got '0s')",
        "iscsi.port-group = 3                         | iscsi.port-group: expected one of 1, 2 (got '3')",
        "iscsi.chap.secrte = 0123456789ab             | iscsi.chap.secrte: unknown key (test.conf:1); did you mean iscsi.chap.secret? (got '<hidden>')",
        "iscsi.chap.mutual-scret = 0123456789ab       | iscsi.chap.mutual-scret: unknown key (test.conf:1); did you mean iscsi.chap.mutual-secret? (got '<hidden>')",
        "just some words                              | test.conf:1: expected 'key = value' (got 'just some words')",
        "Iscsi.Listen = 127.0.0.1:3260                | test.conf:1: expected 'key = value' with a lower-case key",
        "= 5                                          | test.conf:1: expected 'key = value' with a lower-case key",
    })
    void everyErrorNamesItsKeyAndValue(String line, String expectedStart) {
        ConfigException e = error(line.strip());
        assertTrue(e.getMessage().startsWith(expectedStart.strip()),
                "message '" + e.getMessage() + "' should start with '" + expectedStart.strip() + "'");
    }

    @Test
    void aKeySetTwiceSaysWhere() {
        ConfigException e = error("iscsi.command-window = 200", "# comment", "iscsi.command-window = 300");
        assertEquals("iscsi.command-window: set twice, at test.conf:1 and test.conf:3 (got '300')", e.getMessage());
        assertEquals("iscsi.command-window", e.key());
    }

    @Test
    void secretsNeverAppearInErrors() {
        ConfigException twice = error("iscsi.chap.user = u", "iscsi.chap.secret = topsecret1234",
                "iscsi.chap.secret = topsecret5678");
        assertFalse(twice.getMessage().contains("topsecret"), twice.getMessage());
        assertTrue(twice.getMessage().startsWith("iscsi.chap.secret: set twice"), twice.getMessage());
    }

    @Test
    void chapNeedsUserAndSecretTogether() {
        assertTrue(error("iscsi.chap.user = host1").getMessage()
                .startsWith("iscsi.chap.secret: must be set when iscsi.chap.user is set"));
        assertTrue(error("iscsi.chap.secret = 0123456789ab").getMessage()
                .startsWith("iscsi.chap.user: must be set when iscsi.chap.secret is set"));
        assertTrue(error("iscsi.chap.mutual-user = t", "iscsi.chap.mutual-secret = 0123456789ab").getMessage()
                .startsWith("iscsi.chap.mutual-user: mutual CHAP needs iscsi.chap.user"));
        assertTrue(error("iscsi.chap.user = u", "iscsi.chap.secret = 0123456789ab", "iscsi.chap.mutual-user = t",
                "iscsi.chap.mutual-secret = 0123456789ab").getMessage()
                .startsWith("iscsi.chap.mutual-secret: must differ from iscsi.chap.secret"));
    }

    @Test
    void firstBurstMayNotExceedMaxBurst() {
        assertEquals("iscsi.first-burst-length: must not exceed iscsi.max-burst-length (65536) (got '262144')",
                error("iscsi.max-burst-length = 64K").getMessage());
    }

    @Test
    void adminEndpointStaysOnLoopbackUnlessAllowed() throws Exception {
        assertTrue(error("admin.listen = 0.0.0.0:3270").getMessage()
                .startsWith("admin.listen: is not a loopback address"));
        assertEquals("admin.allow-remote: needs TLS: set admin.tls.keystore and admin.tls.keystore-password-file"
                + " (got 'true')", error("admin.listen = 0.0.0.0:3270", "admin.allow-remote = true").getMessage());
        assertEquals(3270, config("admin.listen = 0.0.0.0:3270", "admin.allow-remote = true",
                "admin.tls.keystore = admin.p12", "admin.tls.keystore-password-file = admin.password")
                .get(Keys.ADMIN_LISTEN).getPort());
        assertTrue(error("admin.tls.keystore = admin.p12").getMessage()
                .startsWith("admin.tls.keystore-password-file: must be set when admin.tls.keystore is set"));
        NodeConfig defaults = NodeConfig.defaults();
        assertEquals(defaults.get(Keys.DATA_DIR).resolve("admin.token"), defaults.adminTokenFile());
        assertTrue(error("admin.listen = 127.0.0.1:3260").getMessage()
                .startsWith("admin.listen: is also an iSCSI portal in iscsi.listen"));
    }

    @Test
    void lunSizeMustBeWholeBlocksAndImagesDistinct() {
        assertEquals("lun.0.size: must be a whole number of 4096-byte blocks (lun.0.block-size) (got '6K')",
                error("lun.0.size = 6K", "lun.0.block-size = 4096").getMessage());
        assertTrue(error("lun.0.path = /srv/a.img", "lun.1.path = /srv/a.img").getMessage()
                .startsWith("lun.1.path: is also the image of LUN 0"));
        assertTrue(error("data.dir = /srv", "lun.1.path = /srv/lun0.img", "lun.0.size = 1G").getMessage()
                .startsWith("lun.1.path: is also the image of LUN 0"));
    }

    @Test
    void everyKeyIsAcceptedOnTheCommandLineToo() throws Exception {
        List<String> names = new ArrayList<>();
        Keys.nodeKeys().forEach(k -> names.add(k.name()));
        Keys.lunKeys().forEach(k -> names.add(Keys.lunKeyName(0, k)));
        RawConfig cli = RawConfig.empty();
        for (Key<?> k : Keys.nodeKeys()) {
            cli.put(k.name(), k.defaultValue() == null ? "" : k.defaultValue(), "command line");
        }
        for (Key<?> k : Keys.lunKeys()) {
            cli.put(Keys.lunKeyName(0, k), k.defaultValue() == null ? "" : k.defaultValue(), "command line");
        }
        assertEquals(names.size(), cli.entries().size());
        assertEquals(NodeConfig.defaults(), NodeConfig.from(cli));
    }
}
