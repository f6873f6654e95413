package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mirrored pair as two real node processes on loopback: a secondary listening for the mirror
 * link on a free port and a primary connecting to it, sharing a key file and the target IQN,
 * each with its own data dir, iSCSI portal and admin endpoint. Built on {@link NodeProcess}, so
 * each node's log is kept and checked for leaked buffers. Use in try-with-resources: {@link
 * #close()} stops whichever node still runs, even after a test killed one.
 */
public final class PairProcesses implements AutoCloseable {

    public static final String PAIR_IQN = "iqn.2026-01.net.twinblock.it:pair";
    /** How long a pair may take to connect and agree it is in sync (a rejoin copies the whole LUN). */
    static final Duration LINK_TIMEOUT = Duration.ofSeconds(120);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final Path dir;
    private final Path keyFile;
    private final int linkPort;
    /** Where the first primary listens should it rejoin as a secondary (the secondary's mirror.peer). */
    private final int rejoinPort;
    private NodeProcess primary;
    private NodeProcess secondary;
    /** LUN 0's size on both nodes, or null for NodeProcess's default. */
    private String lunSize;
    /** The primary's arguments, so it can be restarted as it was after a crash. */
    private String[] primaryExtra;
    /** The secondary's, likewise. */
    private String[] secondaryExtra;
    /** Both nodes run with the power-cut fixture (see {@link #startPowerCuttable}). */
    private boolean powerCuttable;

    private PairProcesses(Path dir, Path keyFile, int linkPort, int rejoinPort) {
        this.dir = dir;
        this.keyFile = keyFile;
        this.linkPort = linkPort;
        this.rejoinPort = rejoinPort;
    }

    /**
     * Starts a secondary, then a primary, with a 64 MiB LUN 0 each, and waits until both report
     * the pair in sync. {@code extra} args go to both nodes (e.g. "--mirror.heartbeat=200ms").
     */
    public static PairProcesses start(String... extra) {
        return start(null, false, extra);
    }

    /** Only the secondary, waiting for a primary (a test may first send it something else). */
    public static PairProcesses startSecondary(String... extra) {
        return startSecondary(null, false, extra);
    }

    /**
     * A pair whose LUN 0 is {@code lunSize} (e.g. "256M") on both nodes instead of 64 MiB, waiting
     * until it is in sync. {@code extra} as in {@link #start(String...)}.
     */
    public static PairProcesses startWithLun(String lunSize, String... extra) {
        return start(lunSize, false, extra);
    }

    /**
     * {@link #startWithLun} with both nodes on the power-cut fixture, also when restarted, so
     * {@link #powerCut} of either loses what that node had not fsynced.
     */
    public static PairProcesses startPowerCuttable(String lunSize, String... extra) {
        return start(lunSize, true, extra);
    }

    private static PairProcesses start(String lunSize, boolean powerCuttable, String... extra) {
        PairProcesses pair = startSecondary(lunSize, powerCuttable, extra);
        try {
            pair.startPrimary(extra);
            return pair;
        } catch (RuntimeException | Error e) {
            pair.close();
            throw e;
        }
    }

    private static PairProcesses startSecondary(String lunSize, boolean powerCuttable, String... extra) {
        Path dir = NodeProcess.newWorkDir("pair");
        Path key = dir.resolve("pair.key");
        try {
            Files.writeString(key, "it-tests shared pair key " + System.nanoTime() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PairProcesses pair = new PairProcesses(dir, key, NodeProcess.freePort(), NodeProcess.freePort());
        pair.lunSize = lunSize;
        pair.powerCuttable = powerCuttable;
        pair.secondaryExtra = extra.clone();
        pair.secondary = pair.newSecondary();
        return pair;
    }

    private NodeProcess newSecondary() {
        // mirror.peer on the secondary: where it connects once promoted, as in examples/pair.
        return node("secondary", "--mirror.role=secondary", "--mirror.listen=127.0.0.1:" + linkPort,
                "--iscsi.port-group=2", prepend("--mirror.peer=127.0.0.1:" + rejoinPort, secondaryExtra));
    }

    /** Starts the primary towards the secondary and waits until the pair is in sync. */
    public void startPrimary(String... extra) {
        if (primary != null) {
            throw new IllegalStateException("the primary runs already");
        }
        primaryExtra = extra.clone();
        primary = node("primary", "--mirror.role=primary", "--mirror.peer=127.0.0.1:" + linkPort,
                "--iscsi.port-group=1", prepend("--mirror.listen=127.0.0.1:" + rejoinPort, extra));
        awaitInSync();
    }

    /**
     * After a failover: restarts the first primary, on its own data, as the secondary of the
     * promoted node (what an administrator does by setting mirror.role = secondary in its config),
     * and waits until the pair is in sync again. The restarted node then counts as the primary()
     * of this object for stopping; roles are what the nodes report.
     */
    public NodeProcess rejoinFirstPrimaryAsSecondary() {
        if (primary.isAlive()) {
            throw new IllegalStateException("the first primary still runs");
        }
        NodeProcess old = primary;
        try {
            old.close(); // leak check of its first life
        } finally {
            NodeProcess.Builder b = NodeProcess.builder().iqn(PAIR_IQN).dataDir(dir.resolve("primary"))
                    .arg("--node.name=primary").arg("--mirror.role=secondary")
                    .arg("--mirror.listen=127.0.0.1:" + rejoinPort).arg("--iscsi.port-group=1")
                    .arg("--mirror.secret-file=" + keyFile);
            primary = (powerCuttable ? b.powerCuttable() : b).start();
        }
        awaitInSync();
        return primary;
    }

    /**
     * After the primary was killed: starts it again as the primary, on its own data dir and with
     * the same arguments (what systemd does after a crash), and waits until the pair is in sync.
     */
    public NodeProcess restartPrimary() {
        restartPrimaryAsConfigured();
        awaitInSync();
        return primary;
    }

    /**
     * After the primary was killed: starts it again with its unchanged arguments (as systemd would)
     * without waiting for anything, e.g. after its partner was promoted meanwhile.
     */
    public NodeProcess restartPrimaryAsConfigured() {
        if (primary.isAlive()) {
            throw new IllegalStateException("the primary still runs");
        }
        NodeProcess old = primary;
        try {
            old.close(); // leak check of its first life
        } finally {
            primary = node("primary", "--mirror.role=primary", "--mirror.peer=127.0.0.1:" + linkPort,
                    "--iscsi.port-group=1", prepend("--mirror.listen=127.0.0.1:" + rejoinPort, primaryExtra));
        }
        return primary;
    }

    /**
     * After the secondary was killed (or power-cut): starts it again as the secondary on its own
     * data dir with the same arguments, and waits until the pair is in sync.
     */
    public NodeProcess restartSecondary() {
        if (secondary.isAlive()) {
            throw new IllegalStateException("the secondary still runs");
        }
        secondary.close(); // leak check of its first life; a leak fails the test before any restart
        secondary = newSecondary();
        awaitInSync();
        return secondary;
    }

    /**
     * After both nodes were killed (or power-cut): starts the secondary again on its own data dir,
     * with no primary to link to, and waits for its admin endpoint (a promotion may follow).
     */
    public NodeProcess restartSecondaryAlone() {
        if (secondary.isAlive() || (primary != null && primary.isAlive())) {
            throw new IllegalStateException("a node of the pair still runs");
        }
        secondary.close(); // leak check of its first life
        secondary = newSecondary();
        return secondary;
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private NodeProcess node(String name, String role, String link, String group, String... extra) {
        // Named after their data dirs: on one machine the default (host name) would not tell them apart.
        NodeProcess.Builder b = NodeProcess.builder().iqn(PAIR_IQN).dataDir(dir.resolve(name)).arg("--node.name=" + name)
                .arg(role).arg(link).arg(group).arg("--mirror.secret-file=" + keyFile);
        if (lunSize != null) {
            b.luns("--lun.0.size=" + lunSize);
        }
        if (powerCuttable) {
            b.powerCuttable();
        }
        for (String a : extra) {
            b.arg(a);
        }
        return b.start();
    }

    /** Both nodes say "in_sync": the link is up, authenticated, and no copy is running. */
    public void awaitInSync() {
        try {
            await("pair in sync").atMost(LINK_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> "in_sync".equals(mirrorState(primary)) && "in_sync".equals(mirrorState(secondary)));
        } catch (RuntimeException | Error e) {
            throw new AssertionError("the pair did not get in sync within " + LINK_TIMEOUT + "\nprimary log:\n"
                    + primary.logTail(30) + "\nsecondary log:\n" + secondary.logTail(30), e);
        }
    }

    public NodeProcess primary() {
        return primary;
    }

    public NodeProcess secondary() {
        return secondary;
    }

    public int linkPort() {
        return linkPort;
    }

    public Path keyFile() {
        return keyFile;
    }

    public Path dir() {
        return dir;
    }

    /** LUN 0's image file of a node. */
    public static Path image(NodeProcess node) {
        return node.dataDir().resolve("lun0.img");
    }

    /**
     * SIGKILL, as a crash or the OOM killer would: no drain, no flush, no goodbye on the link. The
     * kernel keeps what the node wrote to its page cache; for a power cut see {@link #powerCut}.
     */
    public static void kill(NodeProcess node) {
        ProcessHandle.of(node.pid()).ifPresent(ProcessHandle::destroyForcibly);
        await("node " + node.pid() + " gone after SIGKILL").atMost(Duration.ofSeconds(30)).until(() -> !node.isAlive());
    }

    /**
     * A power cut of a node started with the power-cut fixture: SIGKILL, and with it goes every
     * write the node had not fsynced, as a page cache goes with the power.
     */
    public static void powerCut(NodeProcess node) {
        if (!node.powerCuttable()) {
            throw new IllegalStateException("node " + node.pid() + " runs without the power-cut fixture:"
                    + " its SIGKILL keeps the page cache, a crash, not a power cut");
        }
        kill(node);
    }

    /** `twinblock promote --admin ...` against a node, as an administrator types it. */
    public static ToolResult promote(NodeProcess node) {
        return node.cli(Duration.ofSeconds(90), "promote");
    }

    /** GET of an admin path; the body of a 200 answer. */
    public static String admin(NodeProcess node, String path) {
        if (!node.exec().isEmpty()) {
            return adminBeside(node, path);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                fail("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * GET of an admin path of a node in another network namespace, whose loopback endpoint the
     * test cannot reach: a tiny HTTP client runs beside it (python3, which .ci/run installs).
     */
    private static String adminBeside(NodeProcess node, String path) {
        List<String> cmd = new java.util.ArrayList<>(node.exec());
        cmd.addAll(List.of("python3", "-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen("
                + "'http://127.0.0.1:' + sys.argv[1] + sys.argv[2], timeout=10).read().decode())",
                String.valueOf(node.adminPort()), path));
        ToolResult r = ToolResult.run(Duration.ofSeconds(20), cmd);
        if (r.exitCode() != 0) {
            fail("GET " + path + " beside node " + node.pid() + " failed: " + r.describe());
        }
        return r.stdout();
    }

    /** The "state" of the status's "mirror" object (connecting, syncing, in_sync, ...). */
    public static String mirrorState(NodeProcess node) {
        String status = admin(node, "/status");
        int mirror = status.indexOf("\"mirror\": {");
        if (mirror < 0) {
            return null;
        }
        Matcher m = Pattern.compile("\"state\": \"([a-z_]+)\"").matcher(status);
        return m.find(mirror) ? m.group(1) : null;
    }

    /** The "role" of the status's "mirror" object. */
    public static String mirrorRole(NodeProcess node) {
        String status = admin(node, "/status");
        Matcher m = Pattern.compile("\"role\": \"([a-z_]+)\"").matcher(status);
        int mirror = status.indexOf("\"mirror\": {");
        return mirror >= 0 && m.find(mirror) ? m.group(1) : null;
    }

    /**
     * A series of the node's /metrics summed over the labels it does not name: per-LUN series
     * carry a {@code lun} label, so metric("twinblock_mirror_received_writes_total{path=\"small\"}")
     * is the sum over every LUN, and {@code {lun="1",path="small"}} one LUN's. Empty if no sample matches.
     */
    public static Optional<Double> metric(NodeProcess node, String series) {
        int brace = series.indexOf('{');
        String name = brace < 0 ? series : series.substring(0, brace);
        List<String> wanted = brace < 0 ? List.of()
                : List.of(series.substring(brace + 1, series.length() - 1).split(","));
        double sum = 0;
        boolean found = false;
        for (String line : admin(node, "/metrics").split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.startsWith("#") || space < 0) {
                continue;
            }
            String sample = line.substring(0, space);
            int open = sample.indexOf('{');
            String sampleName = open < 0 ? sample : sample.substring(0, open);
            List<String> labels = open < 0 ? List.of()
                    : List.of(sample.substring(open + 1, sample.length() - 1).split(","));
            if (sampleName.equals(name) && labels.containsAll(wanted)) {
                sum += Double.parseDouble(line.substring(space + 1).strip());
                found = true;
            }
        }
        return found ? Optional.of(sum) : Optional.empty();
    }

    /** Stops both nodes (SIGTERM; the one a test killed is already gone), each checked for leaks. */
    @Override
    public void close() {
        List<Throwable> failures = new ArrayList<>();
        // The primary first: a secondary stopped first would leave the primary holding writes.
        for (NodeProcess n : new NodeProcess[] {primary, secondary}) {
            if (n == null) {
                continue;
            }
            try {
                n.close();
            } catch (RuntimeException | Error e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("stopping the pair failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }
}
