package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One twinblock node running as a real process from the shaded jar, exactly as an administrator
 * starts it. Always use it in try-with-resources: {@link #close()} stops the node (SIGTERM, then
 * SIGKILL if it will not go) and fails the test if Netty reported a leaked buffer in the node's log.
 */
public final class NodeProcess implements AutoCloseable {

    /** The line the node prints once every listener is bound. */
    public static final String READY_LINE = "twinblock node ready";
    /** Netty's leak detector prefixes every report with this. */
    public static final String LEAK_MARKER = "LEAK:";
    public static final String DEFAULT_IQN = "iqn.2026-01.net.twinblock.it:vol0";

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Last resort: a crashed or killed test run must not leave nodes holding ports and files. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SEQ = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "kill-leftover-twinblock-nodes"));
    }

    private final Process process;
    private final int iscsiPort;
    private final int adminPort;
    private final String iqn;
    private final Path dataDir;
    private final Path log;
    private final boolean powerCuttable;
    /** Where hosts reach its portal: loopback, or its own address in a network namespace. */
    private final String host;
    /** What runs a program where the node runs: nothing, or "ip netns exec NS". */
    private final List<String> exec;
    private boolean leakCheckDone;

    private NodeProcess(Process process, int iscsiPort, int adminPort, String iqn, Path dataDir, Path log,
            boolean powerCuttable, String host, List<String> exec) {
        this.process = process;
        this.host = host;
        this.exec = exec;
        this.iscsiPort = iscsiPort;
        this.adminPort = adminPort;
        this.iqn = iqn;
        this.dataDir = dataDir;
        this.log = log;
        this.powerCuttable = powerCuttable;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A node with one 64 MiB LUN 0 and a fresh data dir. */
    public static NodeProcess start() {
        return builder().start();
    }

    public int iscsiPort() {
        return iscsiPort;
    }

    /** The portal's address: 127.0.0.1, or the node's own address in its network namespace. */
    public String host() {
        return host;
    }

    /** The command prefix that runs a program beside the node (in its network namespace); empty if none. */
    public List<String> exec() {
        return exec;
    }

    public int adminPort() {
        return adminPort;
    }

    public String iqn() {
        return iqn;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Runs with the power-cut fixture: its SIGKILL loses what it did not fsync ({@link PowerCutFixture}). */
    public boolean powerCuttable() {
        return powerCuttable;
    }

    /** The libiscsi URL of one LUN, e.g. iscsi://127.0.0.1:3260/iqn.../0. */
    public String url(int lun) {
        return "iscsi://" + host + ":" + iscsiPort + "/" + iqn + "/" + lun;
    }

    /** The libiscsi URL of the portal alone, for discovery (iscsi-ls). */
    public String portalUrl() {
        return "iscsi://" + host + ":" + iscsiPort;
    }

    /** The admin token the node created at start; admin commands (POST) carry it. */
    public Path adminTokenFile() {
        return dataDir.resolve("admin.token");
    }

    /** Runs an admin verb of the CLI against this node, with its address and token. */
    public ToolResult cli(Duration timeout, String... verbAndOptions) {
        List<String> args = new ArrayList<>(List.of(verbAndOptions));
        args.addAll(List.of("--admin", "127.0.0.1:" + adminPort, "--token-file", adminTokenFile().toString()));
        List<String> cmd = new ArrayList<>(exec);
        cmd.addAll(javaCommand(false));
        cmd.addAll(args);
        return ToolResult.run(timeout, cmd);
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * Sends SIGTERM (what systemd and an administrator's kill do) and waits for the node to exit.
     *
     * @return the exit code
     */
    public int stop() {
        return stop(process, () -> logTail(40));
    }

    /** Fails the test if Netty's paranoid leak detector reported anything in the node's log. */
    public void assertNoLeaks() {
        assertNoLeaks("node " + pid(), logText(), log);
    }

    /** SIGTERM to a process this class launched, and wait; fails the test (after a SIGKILL) if it will not go. */
    static int stop(Process process, Supplier<String> logTail) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                fail("process " + process.pid() + " did not exit within " + STOP_TIMEOUT + " of SIGTERM; killed it."
                        + " Log tail:\n" + logTail.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while stopping process " + process.pid(), e);
        } finally {
            LIVE.remove(process);
        }
        return process.exitValue();
    }

    /** Fails the test if {@code logText} (of {@code who}, in {@code log}) has a Netty leak report. */
    static void assertNoLeaks(String who, String logText, Path log) {
        int at = logText.indexOf(LEAK_MARKER);
        if (at >= 0) {
            fail(who + " leaked a ByteBuf (see " + log + "):\n"
                    + logText.substring(at, Math.min(logText.length(), at + 4000)));
        }
    }

    /** A process a test launched from the jar: killed at the latest when the test JVM exits. */
    static void track(Process process) {
        LIVE.add(process);
    }

    static void untrack(Process process) {
        LIVE.remove(process);
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stop();
            }
        } finally {
            LIVE.remove(process);
            if (!leakCheckDone) {
                leakCheckDone = true;
                assertNoLeaks();
            }
        }
    }

    /** Runs the jar once to completion (for CLI errors); output is captured, not logged to a file. */
    public static ToolResult runJar(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(javaCommand(false));
        cmd.addAll(List.of(args));
        return ToolResult.run(timeout, cmd);
    }

    /**
     * The java launcher running these tests, with paranoid leak detection for the node. Benchmarks
     * set {@code -Dtwinblock.node.leakDetection=simple} (Netty's default, what production runs):
     * paranoid records a stack trace at every buffer access, which puts milliseconds into the
     * latency tail being measured. With {@code powerCuttable} the node's data files go through
     * the power-cut fixture instead of {@code -jar}.
     */
    static List<String> javaCommand(boolean powerCuttable) {
        Path jar = jar();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String level = System.getProperty("twinblock.node.leakDetection", "paranoid");
        // No installed /etc/twinblock/node.conf may leak into a test's node.
        List<String> cmd = new ArrayList<>(List.of(java, "-Dio.netty.leakDetection.level=" + level,
                "-Dio.netty.leakDetection.targetRecords=8", "-Dtwinblock.default-config=/nonexistent/node.conf"));
        cmd.addAll(powerCuttable ? PowerCutFixture.launch(jar) : List.of("-jar", jar.toString()));
        return cmd;
    }

    static Path jar() {
        String prop = System.getProperty("twinblock.jar");
        Path jar = prop != null ? Paths.get(prop)
                : Paths.get("..", "target-server", "target", "target-server.jar");
        if (!Files.isRegularFile(jar)) {
            fail("node jar not found at " + jar.toAbsolutePath()
                    + "; build it first: mvn -B -DskipTests package (from the repository root)");
        }
        return jar.toAbsolutePath();
    }

    /**
     * Test JVMs run side by side (surefire forks, see the pom), so each hands out ports from a
     * range of its own, below the kernel's ephemeral range (32768 and up here and on Debian):
     * two JVMs never pick the same port, and no outgoing connection takes one before its node
     * binds it. A JVM owns range N while it holds the lock on twinblock-it-ports-N.lock in the
     * temporary directory (the lock dies with the JVM; builds in other checkouts take part too).
     * Within a JVM a port is handed out once.
     */
    private static final int PORTS_PER_FORK = 2500;
    private static final int RANGES = 8;
    /** Held (never closed) while this JVM runs: a closed or collected channel would drop the lock. */
    private static final FileLock PORT_RANGE = claimPortRange();
    private static final int FIRST_PORT = 10000 + PORTS_PER_FORK * (int) PORT_RANGE.position();
    private static final AtomicInteger NEXT_PORT = new AtomicInteger();

    /** The first free range's lock; its position in the file is the range's number. */
    private static FileLock claimPortRange() {
        Path file = Paths.get(System.getProperty("java.io.tmpdir"), "twinblock-it-ports.lock");
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            for (int n = 0; n < RANGES; n++) {
                FileLock lock = ch.tryLock(n, 1, false);
                if (lock != null) {
                    return lock;
                }
            }
            ch.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("more than " + RANGES + " test JVMs hand out ports at once");
    }

    /** A port of this JVM's range that nobody listens on right now. */
    public static int freePort() {
        for (int tries = 0; tries < PORTS_PER_FORK; tries++) {
            int port = FIRST_PORT + NEXT_PORT.getAndIncrement() % PORTS_PER_FORK;
            // Without SO_REUSEADDR, so a port still in TIME_WAIT from an earlier run counts as taken.
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException e) {
                // taken: try the next one
            }
        }
        throw new IllegalStateException("no free port in " + FIRST_PORT + ".." + (FIRST_PORT + PORTS_PER_FORK - 1));
    }

    /** Working files live under target/ so CI keeps the node logs of a failed run. */
    static Path newWorkDir(String prefix) {
        try {
            Path base = Paths.get("target", "nodes").toAbsolutePath();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, prefix + "-" + SEQ.incrementAndGet() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final class Builder {
        private String iqn = DEFAULT_IQN;
        private Path dataDir;
        private final List<String> lunArgs = new ArrayList<>(List.of("--lun.0.size=64M"));
        private final List<String> extraArgs = new ArrayList<>();
        private int iscsiPort;
        private boolean powerCuttable;
        private final java.util.Map<String, String> env = new java.util.HashMap<>();
        private String host = "127.0.0.1";
        private List<String> exec = List.of();

        public Builder iqn(String iqn) {
            this.iqn = iqn;
            return this;
        }

        /** Reuse a data dir, e.g. to restart a node on the data of a previous one. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Reuse a port, e.g. to restart a node at the address the clients know. */
        public Builder iscsiPort(int port) {
            this.iscsiPort = port;
            return this;
        }

        /** Replaces the default LUN 0 of 64 MiB; args like "--lun.0.size=16M". */
        public Builder luns(String... args) {
            lunArgs.clear();
            lunArgs.addAll(List.of(args));
            return this;
        }

        public Builder arg(String arg) {
            extraArgs.add(arg);
            return this;
        }

        /**
         * Runs the node with the power-cut fixture: its writes stay in its heap until fsynced, so
         * a SIGKILL of it is a power cut (page cache lost), where a SIGKILL of a plain node is a
         * crash (the kernel keeps the page cache and writes it back).
         */
        /** An environment variable for the node process (e.g. systemd's NOTIFY_SOCKET). */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /**
         * Runs the node with {@code exec} in front (e.g. "ip netns exec NS": another host), its
         * portal on {@code host}; its admin endpoint stays on that host's loopback.
         */
        public Builder runBy(List<String> exec, String host) {
            this.exec = List.copyOf(exec);
            this.host = host;
            return this;
        }

        public Builder powerCuttable() {
            this.powerCuttable = true;
            return this;
        }

        public NodeProcess start() {
            Path dir = dataDir != null ? dataDir : newWorkDir("node").resolve("data");
            Path log = dir.resolveSibling("node-" + SEQ.incrementAndGet() + ".log");
            int port = iscsiPort != 0 ? iscsiPort : freePort();
            int admin = freePort();
            List<String> cmd = new ArrayList<>(exec);
            cmd.addAll(javaCommand(powerCuttable));
            cmd.add("serve");
            cmd.add("--iscsi.listen=" + host + ":" + port);
            cmd.add("--admin.listen=127.0.0.1:" + admin);
            cmd.add("--data.dir=" + dir);
            cmd.add("--iscsi.target=" + iqn);
            cmd.addAll(lunArgs);
            cmd.addAll(extraArgs);
            Process p;
            try {
                Files.createDirectories(dir);
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().putAll(env);
                p = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + cmd, e);
            }
            LIVE.add(p);
            NodeProcess node = new NodeProcess(p, port, admin, iqn, dir, log, powerCuttable, host, exec);
            try {
                await("node ready: " + String.join(" ", cmd)).atMost(START_TIMEOUT)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> !p.isAlive() || node.logText().contains(READY_LINE));
            } catch (RuntimeException | Error e) {
                p.destroyForcibly();
                LIVE.remove(p);
                throw new AssertionError("node did not become ready within " + START_TIMEOUT + ". Log tail ("
                        + log + "):\n" + node.logTail(40), e);
            }
            if (!p.isAlive()) {
                LIVE.remove(p);
                fail("node exited with code " + p.exitValue() + " before it was ready. Command: "
                        + String.join(" ", cmd) + "\nLog tail (" + log + "):\n" + node.logTail(40));
            }
            return node;
        }
    }
}
