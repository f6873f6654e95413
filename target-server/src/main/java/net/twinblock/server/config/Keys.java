package net.twinblock.server.config;

import static net.twinblock.server.config.ValueParsers.bool;
import static net.twinblock.server.config.ValueParsers.chapAlgorithms;
import static net.twinblock.server.config.ValueParsers.chapSecret;
import static net.twinblock.server.config.ValueParsers.duration;
import static net.twinblock.server.config.ValueParsers.hostPort;
import static net.twinblock.server.config.ValueParsers.hostNameList;
import static net.twinblock.server.config.ValueParsers.hostPortList;
import static net.twinblock.server.config.ValueParsers.intSize;
import static net.twinblock.server.config.ValueParsers.integer;
import static net.twinblock.server.config.ValueParsers.iscsiName;
import static net.twinblock.server.config.ValueParsers.iscsiNameList;
import static net.twinblock.server.config.ValueParsers.naa;
import static net.twinblock.server.config.ValueParsers.oneOf;
import static net.twinblock.server.config.ValueParsers.path;
import static net.twinblock.server.config.ValueParsers.size;
import static net.twinblock.server.config.ValueParsers.text;
import static net.twinblock.server.config.ValueParsers.token;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.twinblock.iscsi.config.ChapAlgorithm;

/**
 * Every config key the node knows, in the order the example config documents them. Adding a
 * key (mirror.*, record.*, resync.*, scrub.*) is one line here plus reading it where it is used;
 * the strict parser, {@code --key=value}, {@code --help} and the example-config test pick it up.
 *
 * <p>Per-LUN keys are written {@code lun.<N>.<attribute>}; they are registered once as
 * templates named {@code lun.N.<attribute>}.
 */
public final class Keys {

    private Keys() {
    }

    // Declared before the keys: static initialisers run top to bottom and define() fills these.
    private static final Map<String, Key<?>> NODE_KEYS = new LinkedHashMap<>();
    private static final Map<String, Key<?>> LUN_KEYS = new LinkedHashMap<>();
    private static final Map<String, Key<?>> ACL_KEYS = new LinkedHashMap<>();

    /** The largest PDU data segment and burst length RFC 7143 allows (2^24 - 1). */
    public static final int MAX_ISCSI_LENGTH = 16_777_215;
    /** Highest LUN with flat (peripheral device) addressing. */
    public static final int MAX_LUN = 16383;

    private static final Duration MS = Duration.ofMillis(1);
    private static final Duration HOUR = Duration.ofHours(1);

    public static final Key<List<InetSocketAddress>> ISCSI_LISTEN = define("iscsi.listen", "127.0.0.1:3260",
            hostPortList(), "iSCSI portals, host:port, comma-separated for several");
    public static final Key<String> ISCSI_TARGET = define("iscsi.target", "iqn.2026-11.net.twinblock:vol0",
            iscsiName(), "target IQN; both nodes of a pair must use the same one");
    public static final Key<String> ISCSI_ALIAS = define("iscsi.alias", null,
            text(255), "TargetAlias reported at login (optional)");
    public static final Key<Integer> ISCSI_PORTAL_GROUP_TAG = define("iscsi.portal-group-tag", null,
            integer(1, 65535), "TargetPortalGroupTag of this node's portals; default: iscsi.port-group, so the"
                    + " two nodes of a pair differ");
    public static final Key<Integer> ISCSI_PORT_GROUP = define("iscsi.port-group", "1",
            raw -> Integer.parseInt(oneOf("1", "2").parse(raw)),
            "ALUA target port group (and relative port) of this node: 1 or 2; the two nodes of a pair differ");
    public static final Key<String> ISCSI_CHAP_USER = define("iscsi.chap.user", null,
            token(1, 255), "CHAP name initiators must present; setting it makes CHAP mandatory");
    public static final Key<String> ISCSI_CHAP_SECRET = secret("iscsi.chap.secret",
            chapSecret(), "CHAP secret: 12 to 255 characters, or 0x and 12 to 255 bytes in hex");
    public static final Key<String> ISCSI_CHAP_MUTUAL_USER = define("iscsi.chap.mutual-user", null,
            token(1, 255), "name this target presents in mutual CHAP (optional)");
    public static final Key<String> ISCSI_CHAP_MUTUAL_SECRET = secret("iscsi.chap.mutual-secret",
            chapSecret(), "this target's mutual CHAP secret, as iscsi.chap.secret");
    public static final Key<Boolean> ISCSI_CHAP_DISCOVERY = define("iscsi.chap.discovery", "false",
            bool(), "discovery sessions must pass CHAP too, with the credentials of that initiator");
    public static final Key<List<ChapAlgorithm>> ISCSI_CHAP_ALGORITHMS = define("iscsi.chap.algorithms",
            "SHA256,MD5", chapAlgorithms(), "CHAP hash functions an initiator may use: SHA256, MD5 (the strongest"
            + " one it offers is chosen); SHA256 alone refuses initiators that offer only MD5");
    public static final Key<List<String>> ISCSI_ACL = define("iscsi.acl", null, iscsiNameList(),
            "initiator IQNs that may log in, comma-separated; unset: any (see also iscsi.acl.N.*)");
    public static final Key<Integer> ISCSI_MAX_RECV_DATA_SEGMENT_LENGTH = define(
            "iscsi.max-recv-data-segment-length", "262144", intSize(512, MAX_ISCSI_LENGTH),
            "largest data segment we accept in one PDU");
    public static final Key<Integer> ISCSI_FIRST_BURST_LENGTH = define("iscsi.first-burst-length", "262144",
            intSize(512, MAX_ISCSI_LENGTH), "unsolicited data we accept per write");
    public static final Key<Integer> ISCSI_MAX_BURST_LENGTH = define("iscsi.max-burst-length", "1048576",
            intSize(512, MAX_ISCSI_LENGTH), "largest solicited data sequence (per R2T)");
    public static final Key<Integer> ISCSI_MAX_OUTSTANDING_R2T = define("iscsi.max-outstanding-r2t", "8",
            integer(1, 65535), "R2Ts outstanding per write");
    public static final Key<Integer> ISCSI_COMMAND_WINDOW = define("iscsi.command-window", "256",
            integer(128, 65536), "commands a session may have in the target, waiting or running (and 32"
            + " immediate ones besides)");
    public static final Key<Duration> ISCSI_NOP_INTERVAL = define("iscsi.nop-interval", "15s",
            duration(Duration.ofSeconds(1), HOUR), "idle time before we ping the initiator with a NOP-In");
    public static final Key<Duration> ISCSI_NOP_TIMEOUT = define("iscsi.nop-timeout", "30s",
            duration(Duration.ofSeconds(1), HOUR), "an unanswered ping drops the connection after this");
    public static final Key<Duration> ISCSI_LOGIN_TIMEOUT = define("iscsi.login-timeout", "30s",
            duration(Duration.ofSeconds(1), HOUR), "a login not finished in this time drops the connection");

    public static final Key<Integer> ISCSI_LOOPS = define("iscsi.loops", "0", integer(0, 1024),
            "event loops for host connections (and the mirror links, unless mirror.loops gives them their own);"
            + " 0: one per two cores, at least one");

    public static final Key<Integer> ISCSI_MAX_CONNECTIONS = define("iscsi.max-connections", "1024",
            integer(1, 1 << 20), "connections of all hosts together; more are closed at once");
    public static final Key<Integer> ISCSI_MAX_CONNECTIONS_PER_ADDRESS = define(
            "iscsi.max-connections-per-address", "64", integer(1, 1 << 20),
            "connections from one source (an IPv4 address, an IPv6 prefix of iscsi.ipv6-source-prefix bits);"
            + " more are closed at once");
    public static final Key<Integer> ISCSI_IPV6_SOURCE_PREFIX = define("iscsi.ipv6-source-prefix", "64",
            integer(32, 128), "the bits of an IPv6 address that name its source for per-address limits and the"
            + " login back-off (one host owns a /64; 128 counts each address)");
    public static final Key<Integer> ISCSI_MAX_SESSIONS_PER_INITIATOR = define(
            "iscsi.max-sessions-per-initiator", "16", integer(1, 65535),
            "sessions of one initiator name; more get login status 0x0302 (out of resources)");

    public static final Key<Path> DATA_DIR = define("data.dir", "./data",
            path(), "directory for LUN image files (created if missing)");

    public static final Key<InetSocketAddress> ADMIN_LISTEN = define("admin.listen", "127.0.0.1:3270",
            hostPort(), "HTTP admin endpoint (status, metrics); loopback unless admin.allow-remote");
    public static final Key<Boolean> ADMIN_ALLOW_REMOTE = define("admin.allow-remote", "false",
            bool(), "allow admin.listen on a non-loopback address; needs admin.tls.keystore");
    /** Default (unset): {@code <data.dir>/admin.token}, which depends on another key. */
    public static final Key<Path> ADMIN_TOKEN_FILE = define("admin.token-file", null,
            path(), "bearer token every admin POST must carry; created (mode 0600) at start if missing;"
            + " unset: <data.dir>/admin.token");
    public static final Key<Path> ADMIN_TLS_KEYSTORE = define("admin.tls.keystore", null,
            path(), "PKCS12 keystore with the admin endpoint's key and certificate: HTTPS only when set");
    public static final Key<Path> ADMIN_TLS_KEYSTORE_PASSWORD_FILE = define("admin.tls.keystore-password-file", null,
            path(), "file holding the keystore's password (required with admin.tls.keystore)");
    public static final Key<List<String>> ADMIN_HOST_NAMES = define("admin.host-names", null,
            hostNameList(), "names clients may reach the admin endpoint by (Host header), besides its address,"
            + " comma-separated; others get 403");

    /** Default (unset): the host name, looked up at start (see MirrorSettings), so it is not a fixed text. */
    public static final Key<String> NODE_NAME = define("node.name", null,
            token(1, 255), "this node's name in its pair (status, `resolve --discard NAME`); the two must differ;"
            + " unset: the host name");
    public static final Key<String> MIRROR_ROLE = define("mirror.role", "standalone",
            oneOf("standalone", "primary", "secondary"), "standalone, or this node's role in a mirrored pair");
    public static final Key<InetSocketAddress> MIRROR_LISTEN = define("mirror.listen", null,
            hostPort(), "where a secondary accepts its primary's mirror link (required on a secondary)");
    public static final Key<InetSocketAddress> MIRROR_PEER = define("mirror.peer", null,
            hostPort(), "the other node's mirror.listen (required on a primary; a promoted secondary connects there)");
    public static final Key<Path> MIRROR_SECRET_FILE = define("mirror.secret-file", null,
            path(), "file holding the pair's shared key, at least 16 bytes (required in a pair)");
    public static final Key<Integer> MIRROR_SMALL_WRITE_THRESHOLD = define("mirror.small-write-threshold", "32K",
            intSize(0, 256 * 1024), "largest write mirrored as a single frame");
    public static final Key<String> DISK_ON_ERROR = define("disk.on-error", "detach", oneOf("detach", "continue"),
            "a LUN's disk fails an I/O (not for lack of space): stop using it, serving through the partner"
                    + " where there is one (detach), or keep using it (continue)");
    public static final Key<String> MIRROR_ON_PEER_LOSS = define("mirror.on-peer-loss", "suspend",
            oneOf("suspend", "continue"), "primary without its secondary: hold writes (suspend) or write alone");
    public static final Key<Duration> MIRROR_SUSPEND_TIMEOUT = define("mirror.suspend-timeout", "30s",
            duration(Duration.ofSeconds(1), HOUR), "with suspend, fail a held write (retryable) after this");
    public static final Key<Duration> MIRROR_HEARTBEAT = define("mirror.heartbeat", "1s",
            duration(Duration.ofMillis(100), Duration.ofMinutes(1)), "link heartbeat; three missed take the link down");
    public static final Key<Integer> MIRROR_LOOPS = define("mirror.loops", "0", integer(0, 64),
            "event loops of the mirror links' own; 0: the links share the host loops (iscsi.loops), which saves"
            + " a thread hand-off each way per mirrored write");
    public static final Key<InetSocketAddress> MIRROR_WITNESS = define("mirror.witness", null,
            hostPort(), "the pair's witness (twinblock witness --listen), host:port; unset: failover is manual");
    public static final Key<Duration> MIRROR_LEASE = define("mirror.lease", "2s",
            duration(Duration.ofMillis(500), Duration.ofMinutes(1)), "how long the witness's word keeps a primary"
                    + " serving without its secondary; a failover takes about this plus three heartbeats");
    public static final Key<String> MIRROR_TLS = define("mirror.tls", "auto",
            oneOf("auto", "on", "off"), "TLS 1.3 with a certificate on each end for the mirror link; auto: on unless"
            + " mirror.listen and mirror.peer are loopback addresses");
    public static final Key<Path> MIRROR_TLS_KEYSTORE = define("mirror.tls.keystore", null,
            path(), "PKCS12 keystore with this node's key and certificate for the mirror link (required when TLS is on)");
    public static final Key<Path> MIRROR_TLS_KEYSTORE_PASSWORD_FILE = define("mirror.tls.keystore-password-file", null,
            path(), "file holding mirror.tls.keystore's password (required with it)");
    public static final Key<Path> MIRROR_TLS_TRUST_FILE = define("mirror.tls.trust-file", null,
            path(), "PEM certificates the partner's certificate must chain to: the pair's CA, or the partner's own"
            + " certificate (required when TLS is on)");

    // predictive record
    public static final Key<Integer> RECORD_EXTENT_SIZE = define("record.extent-size", "4M",
            intSize(4096, 1 << 30), "predictive record granularity: after a crash only recorded extents of this"
            + " size are copied (a power of two, at least 4K)");
    public static final Key<Integer> RECORD_CAPACITY = define("record.capacity", "1024",
            integer(0, 1 << 20), "idle extents the record keeps as hits; 0 = every write persists the record");
    public static final Key<Integer> RECORD_PREDICT_AHEAD = define("record.predict-ahead", "2",
            integer(0, 64), "extents a sequential stream records ahead of itself");
    public static final Key<Duration> MIRROR_READ_GATE_TIMEOUT = define("mirror.read-gate-timeout", "5s",
            duration(Duration.ofMillis(100), Duration.ofMinutes(5)), "a secondary read on a recorded extent waits"
            + " this long for the primary's status answer, then fails (retryable)");

    // the secondary's journal
    public static final Key<Long> JOURNAL_MAX_SIZE = define("journal.max-size", "256M",
            size(1L << 20, 1L << 40), "bytes the secondary's write journal (lunN.img.journal.*) may hold; when full,"
            + " the secondary makes its volume durable and frees it while the primary's writes wait (at least 1M; one"
            + " spare segment, a quarter of it, is kept on disk beyond it)");

    // consistency points (DESIGN section 6)
    public static final Key<Boolean> CP_ENABLED = define("cp.enabled", "true", bool(), "consistency points: the"
            + " secondary holds its journal off its volume until the primary's next point, so its volume is always a"
            + " point's crash-consistent image; set the same on both nodes (false: the secondary applies each write at"
            + " once, and its volume after a crash is whatever the page cache had written)");
    public static final Key<Duration> CP_INTERVAL = define("cp.interval", "1s",
            duration(Duration.ofMillis(10), Duration.ofHours(1)), "time between consistency points (a host flush and"
            + " cp.max-bytes also take one)");
    public static final Key<Long> CP_MAX_BYTES = define("cp.max-bytes", "64M", size(1L << 20, 1L << 40),
            "host bytes written since the last consistency point that take the next one at once");
    public static final Key<Duration> CP_FLUSH_SPACING = define("cp.flush-spacing", "10ms",
            duration(Duration.ZERO, Duration.ofHours(1)), "a host flush's consistency point comes at most this soon"
            + " after the last point (the journal holds the flushed writes durably meanwhile); 0: one after every"
            + " flush, once the last is answered. At most cp.interval");

    // resync and scrub
    public static final Key<Integer> RESYNC_REGION_SIZE = define("resync.region-size", "64K",
            intSize(4096, 16 << 20), "primary's outage bitmap granularity: a write without the secondary marks its"
            + " region, and a reconnect copies only marked regions (a power of two, at least the block size)");
    public static final Key<Long> RESYNC_MAX_RATE = define("resync.max-rate", "0",
            size(0, 1L << 40), "bytes per second a checksum resync reads on each node; 0 for unlimited");
    public static final Key<String> RESYNC_CHECKSUM = define("resync.checksum", "crc32c",
            oneOf("crc32c", "md5", "sha1", "sha256"), "hash of a checksum resync or scrub (both nodes compare it)");
    public static final Key<Duration> SCRUB_INTERVAL = define("scrub.interval", null,
            duration(Duration.ofMinutes(1), Duration.ofDays(365)), "time between background scrubs of the pair (off if"
            + " unset; `verify` runs one on demand)");
    public static final Key<Long> SCRUB_MAX_RATE = define("scrub.max-rate", "16M",
            size(0, 1L << 40), "bytes per second a scrub reads on each node while hosts leave the volume alone;"
            + " 0 for unlimited");
    public static final Key<Long> SCRUB_BUSY_RATE = define("scrub.busy-rate", "2M",
            size(0, 1L << 40), "bytes per second a scrub reads on each node while hosts use the volume (at most"
            + " scrub.max-rate); 0 pauses the scrub until they stop");
    public static final Key<Boolean> SCRUB_REPAIR = define("scrub.repair", "false",
            bool(), "copy the primary's blocks over the secondary's where a scrub finds them different");

    public static final Key<String> LOG_LEVEL = define("log.level", "info",
            oneOf("debug", "info", "warning", "error"), "least severe log level printed");
    public static final Key<Duration> SHUTDOWN_DRAIN_TIMEOUT = define("shutdown.drain-timeout", "10s",
            duration(Duration.ZERO, Duration.ofMinutes(10)), "on SIGTERM, wait this long for in-flight commands");

    // Per LUN. Without any lun.* key the node serves LUN 0 with these defaults.
    public static final Key<Long> LUN_SIZE = lun("size", "1G",
            size(512, 1L << 56), "capacity, e.g. 1G, 512M, 1073741824 (binary units)");
    public static final Key<Integer> LUN_BLOCK_SIZE = lun("block-size", "512",
            raw -> Integer.parseInt(oneOf("512", "4096").parse(raw)), "logical block size: 512 or 4096");
    public static final Key<Path> LUN_PATH = lun("path", null,
            path(), "image file; default <data.dir>/lun<N>.img");
    public static final Key<String> LUN_SERIAL = lun("serial", null,
            token(1, 64), "unit serial number (VPD 0x80); default derived from the target IQN and N");
    public static final Key<byte[]> LUN_NAA = lun("naa", null,
            naa(), "NAA type 6 designator, 32 hex digits (VPD 0x83); default derived like the serial");

    private static final Pattern LUN_KEY = Pattern.compile("lun\\.([0-9]+)\\.([a-z0-9-]+)");

    // Per initiator, as LIO's node ACLs: iscsi.acl.<N>.iqn with CHAP credentials of its own.
    public static final Key<String> ACL_IQN = acl("iqn", iscsiName(), false,
            "an initiator that may log in (adds to iscsi.acl)");
    public static final Key<String> ACL_CHAP_USER = acl("chap.user", token(1, 255), false,
            "CHAP name this initiator must present, instead of iscsi.chap.user");
    public static final Key<String> ACL_CHAP_SECRET = acl("chap.secret", chapSecret(), true,
            "its CHAP secret, as iscsi.chap.secret");
    public static final Key<String> ACL_CHAP_MUTUAL_USER = acl("chap.mutual-user", token(1, 255), false,
            "name this target presents to it in mutual CHAP");
    public static final Key<String> ACL_CHAP_MUTUAL_SECRET = acl("chap.mutual-secret", chapSecret(), true,
            "this target's mutual CHAP secret towards it");

    /** iscsi.acl.N.attribute: N is group 1, the attribute group 2. */
    public static final Pattern ACL_KEY = Pattern.compile("iscsi\\.acl\\.([0-9]+)\\.([a-z0-9.-]+)");

    /** The node-wide keys, in documentation order. */
    public static Collection<Key<?>> nodeKeys() {
        return Collections.unmodifiableCollection(NODE_KEYS.values());
    }

    /** The per-LUN key templates (named lun.N.*), in documentation order. */
    public static Collection<Key<?>> lunKeys() {
        return Collections.unmodifiableCollection(LUN_KEYS.values());
    }

    /** The per-initiator key templates (named iscsi.acl.N.*), in documentation order. */
    public static Collection<Key<?>> aclKeys() {
        return Collections.unmodifiableCollection(ACL_KEYS.values());
    }

    /** The concrete name of a per-initiator key for entry {@code n}: iscsi.acl.2.iqn. */
    public static String aclKeyName(int n, Key<?> template) {
        return "iscsi.acl." + n + "." + template.name().substring("iscsi.acl.N.".length());
    }

    /** The template of a per-initiator key as written (iscsi.acl.2.iqn), or null. */
    static Key<?> aclTemplate(String name) {
        Matcher m = ACL_KEY.matcher(name);
        return m.matches() ? ACL_KEYS.get("iscsi.acl.N." + m.group(2)) : null;
    }

    /** The concrete name of a per-LUN key for LUN {@code lun}: lun.3.size. */
    public static String lunKeyName(int lun, Key<?> template) {
        return "lun." + lun + "." + template.name().substring("lun.N.".length());
    }

    /** A key name as written in a config, resolved to its definition. */
    public record Resolved(Key<?> key, int lun) {
        public boolean perLun() {
            return lun >= 0;
        }
    }

    /**
     * Resolves a key as written, or throws naming it (with a suggestion for a likely typo).
     */
    static Resolved resolve(String name, String origin, String shownValue) throws ConfigException {
        Key<?> k = NODE_KEYS.get(name);
        if (k != null) {
            return new Resolved(k, -1);
        }
        if (aclTemplate(name) != null) {
            return new Resolved(aclTemplate(name), -1); // read by AccessSettings
        }
        Matcher m = LUN_KEY.matcher(name);
        if (m.matches()) {
            String number = m.group(1);
            // One spelling per LUN: lun.01.size and lun.1.size must not silently be two keys.
            if ((number.length() > 1 && number.charAt(0) == '0') || number.length() > 5
                    || Integer.parseInt(number) > MAX_LUN) {
                throw new ConfigException(name, "LUN number must be 0 to " + MAX_LUN
                        + " without leading zeros (" + origin + ")", shownValue);
            }
            Key<?> template = LUN_KEYS.get("lun.N." + m.group(2));
            if (template != null) {
                return new Resolved(template, Integer.parseInt(number));
            }
        }
        String hint = suggest(name);
        // A mistyped secret key must not echo the secret: mask anything near a secret key.
        boolean maybeSecret = name.contains("secret") || name.contains("chap")
                || (hint != null && NODE_KEYS.containsKey(hint) && NODE_KEYS.get(hint).secret());
        throw new ConfigException(name, "unknown key (" + origin + ")"
                + (hint == null ? "" : "; did you mean " + hint + "?"),
                maybeSecret && shownValue != null ? "<hidden>" : shownValue);
    }

    private static String suggest(String name) {
        String best = null;
        int bestDistance = 4;
        for (String candidate : NODE_KEYS.keySet()) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        Matcher m = Pattern.compile("lun\\.([0-9]+)\\.(.*)").matcher(name);
        if (m.matches()) {
            for (String candidate : LUN_KEYS.keySet()) {
                String attr = candidate.substring("lun.N.".length());
                int d = distance(m.group(2), attr);
                if (d < bestDistance) {
                    best = "lun." + m.group(1) + "." + attr;
                    bestDistance = d;
                }
            }
        }
        return best;
    }

    /** Levenshtein distance, for "did you mean". Keys are short; the quadratic cost is nothing. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static <T> Key<T> define(String name, String defaultValue, ValueParser<T> parser, String help) {
        Key<T> k = new Key<>(name, defaultValue, parser, false, help);
        NODE_KEYS.put(name, k);
        return k;
    }

    private static <T> Key<T> secret(String name, ValueParser<T> parser, String help) {
        Key<T> k = new Key<>(name, null, parser, true, help);
        NODE_KEYS.put(name, k);
        return k;
    }

    private static <T> Key<T> acl(String attribute, ValueParser<T> parser, boolean secret, String help) {
        Key<T> k = new Key<>("iscsi.acl.N." + attribute, null, parser, secret, help);
        ACL_KEYS.put(k.name(), k);
        return k;
    }

    private static <T> Key<T> lun(String attribute, String defaultValue, ValueParser<T> parser, String help) {
        Key<T> k = new Key<>("lun.N." + attribute, defaultValue, parser, false, help);
        LUN_KEYS.put(k.name(), k);
        return k;
    }
}
