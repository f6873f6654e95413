package net.twinblock.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import net.twinblock.iscsi.config.AccessControl;
import net.twinblock.iscsi.config.ChapConfig;

/**
 * The node's configuration, typed and checked: every key parsed (so a typo in a key nobody
 * reads yet still stops the node at start, not at 3 a.m.), cross-key rules applied, LUNs
 * resolved. Read values with {@link #get}.
 */
public final class NodeConfig {

    private final Map<Key<?>, Object> values;
    private final SortedMap<Integer, LunConfig> luns;
    private final MirrorSettings mirror;
    private final AccessControl access;

    private NodeConfig(Map<Key<?>, Object> values, SortedMap<Integer, LunConfig> luns, MirrorSettings mirror,
                       AccessControl access) {
        this.values = values;
        this.luns = luns;
        this.mirror = mirror;
        this.access = access;
    }

    /** The built-in defaults: what {@code serve} with no config file and no options runs. */
    public static NodeConfig defaults() {
        try {
            return from(RawConfig.empty());
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in defaults are invalid: " + e.getMessage(), e);
        }
    }

    /** Types and checks a raw config. */
    public static NodeConfig from(RawConfig raw) throws ConfigException {
        Map<Key<?>, Object> values = new HashMap<>();
        for (Key<?> k : Keys.nodeKeys()) {
            Object v = k.parse(k.name(), raw.get(k.name()));
            if (v != null) {
                values.put(k, v);
            }
        }
        NodeConfig partial = new NodeConfig(values, Collections.emptySortedMap(), null, null);
        partial.checkBursts(raw);
        partial.checkPoints(raw);
        partial.checkChap(raw);
        partial.checkAdmin(raw);
        SortedMap<Integer, LunConfig> luns = Collections.unmodifiableSortedMap(lunsOf(raw, partial.get(Keys.DATA_DIR)));
        return new NodeConfig(values, luns, MirrorSettings.of(partial, raw, luns), AccessSettings.of(partial, raw));
    }

    /** The value of a key (null for an unset optional key). Per-LUN keys are read via {@link #luns}. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        return (T) values.get(key);
    }

    /** The LUNs to serve, by number. Never empty. */
    /** iscsi.portal-group-tag, else the ALUA port group: each node of a pair reports its own tag. */
    public int portalGroupTag() {
        Integer tag = get(Keys.ISCSI_PORTAL_GROUP_TAG);
        return tag != null ? tag : get(Keys.ISCSI_PORT_GROUP);
    }

    public SortedMap<Integer, LunConfig> luns() {
        return luns;
    }

    /** The mirror.* keys checked together, with the shared key read from its file. */
    public MirrorSettings mirror() {
        return mirror;
    }

    /** iscsi.acl and iscsi.acl.N.*: who may log in, in the frontend's terms. */
    public AccessControl access() {
        return access;
    }

    /** The admin token's file: admin.token-file, else {@code <data.dir>/admin.token}. */
    public Path adminTokenFile() {
        Path file = get(Keys.ADMIN_TOKEN_FILE);
        return file != null ? file : get(Keys.DATA_DIR).resolve("admin.token");
    }

    /** The CHAP settings in the frontend's terms. */
    public ChapConfig chap() {
        String user = get(Keys.ISCSI_CHAP_USER);
        if (user == null) {
            return ChapConfig.NONE;
        }
        return new ChapConfig(user, get(Keys.ISCSI_CHAP_SECRET), get(Keys.ISCSI_CHAP_MUTUAL_USER),
                get(Keys.ISCSI_CHAP_MUTUAL_SECRET));
    }

    private void checkBursts(RawConfig raw) throws ConfigException {
        int first = get(Keys.ISCSI_FIRST_BURST_LENGTH);
        int max = get(Keys.ISCSI_MAX_BURST_LENGTH);
        if (first > max) {
            // RFC 7143 §13.14: FirstBurstLength MUST NOT exceed MaxBurstLength.
            throw new ConfigException(Keys.ISCSI_FIRST_BURST_LENGTH.name(), "must not exceed "
                    + Keys.ISCSI_MAX_BURST_LENGTH.name() + " (" + max + ")", shown(raw, Keys.ISCSI_FIRST_BURST_LENGTH));
        }
    }

    private void checkPoints(RawConfig raw) throws ConfigException {
        // A flush's point spaced past the interval would only ever come by the interval's timer.
        if (get(Keys.CP_FLUSH_SPACING).compareTo(get(Keys.CP_INTERVAL)) > 0) {
            throw new ConfigException(Keys.CP_FLUSH_SPACING.name(), "must not exceed " + Keys.CP_INTERVAL.name()
                    + " (" + get(Keys.CP_INTERVAL).toMillis() + "ms)", shown(raw, Keys.CP_FLUSH_SPACING));
        }
    }

    private void checkChap(RawConfig raw) throws ConfigException {
        requireTogether(raw, Keys.ISCSI_CHAP_USER, Keys.ISCSI_CHAP_SECRET);
        requireTogether(raw, Keys.ISCSI_CHAP_MUTUAL_USER, Keys.ISCSI_CHAP_MUTUAL_SECRET);
        if (get(Keys.ISCSI_CHAP_MUTUAL_USER) != null && get(Keys.ISCSI_CHAP_USER) == null) {
            throw new ConfigException(Keys.ISCSI_CHAP_MUTUAL_USER.name(), "mutual CHAP needs "
                    + Keys.ISCSI_CHAP_USER.name() + " and " + Keys.ISCSI_CHAP_SECRET.name() + " too",
                    shown(raw, Keys.ISCSI_CHAP_MUTUAL_USER));
        }
        String secret = get(Keys.ISCSI_CHAP_SECRET);
        if (secret != null && secret.equals(get(Keys.ISCSI_CHAP_MUTUAL_SECRET))) {
            // One secret for both directions lets a man in the middle reflect our own challenge.
            throw new ConfigException(Keys.ISCSI_CHAP_MUTUAL_SECRET.name(), "must differ from "
                    + Keys.ISCSI_CHAP_SECRET.name(), shown(raw, Keys.ISCSI_CHAP_MUTUAL_SECRET));
        }
    }

    private void requireTogether(RawConfig raw, Key<?> user, Key<?> secret) throws ConfigException {
        if (get(user) != null && get(secret) == null) {
            throw new ConfigException(secret.name(), "must be set when " + user.name() + " is set", "");
        }
        if (get(user) == null && get(secret) != null) {
            throw new ConfigException(user.name(), "must be set when " + secret.name() + " is set", "");
        }
    }

    private void checkAdmin(RawConfig raw) throws ConfigException {
        InetSocketAddress admin = get(Keys.ADMIN_LISTEN);
        if (!admin.getAddress().isLoopbackAddress() && !get(Keys.ADMIN_ALLOW_REMOTE)) {
            throw new ConfigException(Keys.ADMIN_LISTEN.name(), "is not a loopback address; the admin endpoint "
                    + "stays on loopback unless " + Keys.ADMIN_ALLOW_REMOTE.name() + " = true (which needs TLS)",
                    shown(raw, Keys.ADMIN_LISTEN));
        }
        requireTogether(raw, Keys.ADMIN_TLS_KEYSTORE, Keys.ADMIN_TLS_KEYSTORE_PASSWORD_FILE);
        if (get(Keys.ADMIN_ALLOW_REMOTE) && get(Keys.ADMIN_TLS_KEYSTORE) == null) {
            // The token crosses the network with every POST: never in the clear.
            throw new ConfigException(Keys.ADMIN_ALLOW_REMOTE.name(), "needs TLS: set "
                    + Keys.ADMIN_TLS_KEYSTORE.name() + " and " + Keys.ADMIN_TLS_KEYSTORE_PASSWORD_FILE.name(),
                    shown(raw, Keys.ADMIN_ALLOW_REMOTE));
        }
        List<InetSocketAddress> portals = get(Keys.ISCSI_LISTEN);
        if (portals.contains(admin)) {
            throw new ConfigException(Keys.ADMIN_LISTEN.name(), "is also an iSCSI portal in "
                    + Keys.ISCSI_LISTEN.name(), shown(raw, Keys.ADMIN_LISTEN));
        }
    }

    private static SortedMap<Integer, LunConfig> lunsOf(RawConfig raw, Path dataDir) throws ConfigException {
        TreeSet<Integer> numbers = new TreeSet<>();
        for (String name : raw.entries().keySet()) {
            Keys.Resolved r = Keys.resolve(name, raw.entries().get(name).origin(), null);
            if (r.perLun()) {
                numbers.add(r.lun());
            }
        }
        if (numbers.isEmpty()) {
            numbers.add(0);
        }
        SortedMap<Integer, LunConfig> luns = new TreeMap<>();
        Map<Path, Integer> byPath = new LinkedHashMap<>();
        for (int n : numbers) {
            long size = lunValue(raw, n, Keys.LUN_SIZE);
            int blockSize = lunValue(raw, n, Keys.LUN_BLOCK_SIZE);
            Path path = lunValue(raw, n, Keys.LUN_PATH);
            if (path == null) {
                path = dataDir.resolve("lun" + n + ".img");
            }
            if (size % blockSize != 0) {
                String name = Keys.lunKeyName(n, Keys.LUN_SIZE);
                throw new ConfigException(name, "must be a whole number of " + blockSize + "-byte blocks ("
                        + Keys.lunKeyName(n, Keys.LUN_BLOCK_SIZE) + ")", raw.get(name) == null
                        ? Keys.LUN_SIZE.defaultValue() : raw.get(name));
            }
            Integer other = byPath.putIfAbsent(path, n);
            if (other != null) {
                throw new ConfigException(Keys.lunKeyName(n, Keys.LUN_PATH), "is also the image of LUN " + other,
                        path.toString());
            }
            luns.put(n, new LunConfig(n, size, blockSize, path, lunValue(raw, n, Keys.LUN_SERIAL),
                    lunValue(raw, n, Keys.LUN_NAA)));
        }
        return luns;
    }

    private static <T> T lunValue(RawConfig raw, int lun, Key<T> template) throws ConfigException {
        String name = Keys.lunKeyName(lun, template);
        return template.parse(name, raw.get(name));
    }

    private static String shown(RawConfig raw, Key<?> key) {
        String v = raw.get(key.name());
        return key.shown(v == null ? Objects.requireNonNullElse(key.defaultValue(), "") : v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeConfig other && values.equals(other.values) && luns.equals(other.luns)
                && Objects.equals(mirror, other.mirror) && Objects.equals(access, other.access);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, luns);
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>();
        for (Key<?> k : Keys.nodeKeys()) {
            if (values.containsKey(k)) {
                shown.put(k.name(), k.secret() ? "<hidden>" : values.get(k));
            }
        }
        return "NodeConfig" + shown + " luns=" + luns.values();
    }
}
