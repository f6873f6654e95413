package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A witness running as a real process from the node jar ({@code target-server.jar witness}), as an
 * administrator starts it. Use it in try-with-resources: {@link #close()} stops it (SIGTERM) if it
 * still runs and fails the test if Netty reported a leaked buffer in its log. {@link #kill()} is a
 * SIGKILL; {@link #restart()} starts it again on the same port, keys and data directory.
 */
public final class WitnessProcess implements AutoCloseable {

    public static final String READY_LINE = "twinblock witness ready";

    private final int port;
    private final Path keyFile;
    private final Path dataDir;
    private final Duration lease;
    private final Path log;
    /** Where it listens, and what runs it there ("ip netns exec NS" on another host, else nothing). */
    private final String host;
    private final List<String> exec;
    private Process process;

    private WitnessProcess(int port, Path keyFile, Path dataDir, Duration lease, Path log, String host,
            List<String> exec) {
        this.host = host;
        this.exec = exec;
        this.port = port;
        this.keyFile = keyFile;
        this.dataDir = dataDir;
        this.lease = lease;
        this.log = log;
    }

    /**
     * Starts a witness on a free loopback port with a fresh data directory.
     *
     * @param keys  the pairs' keys, one per line of its --secret-file
     * @param lease its --lease
     */
    public static WitnessProcess start(List<String> keys, Duration lease) {
        return start(keys, lease, List.of(), "127.0.0.1");
    }

    /** {@link #start(List, Duration)} run by {@code exec} (e.g. "ip netns exec NS"), listening on {@code host}. */
    public static WitnessProcess start(List<String> keys, Duration lease, List<String> exec, String host) {
        Path dir = NodeProcess.newWorkDir("witness");
        Path keyFile = dir.resolve("witness.keys");
        try {
            Files.write(keyFile, keys, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WitnessProcess w = new WitnessProcess(NodeProcess.freePort(), keyFile, dir.resolve("data"), lease,
                dir.resolve("witness.log"), host, List.copyOf(exec));
        w.launch();
        return w;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() {
        List<String> cmd = new ArrayList<>(exec);
        cmd.addAll(NodeProcess.javaCommand(false));
        cmd.addAll(List.of("witness", "--listen", host + ":" + port, "--secret-file", keyFile.toString(),
                "--data-dir", dataDir.toString(), "--lease", lease.toMillis() + "ms"));
        int readyBefore = count(logText());
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
        NodeProcess.track(process);
        await("witness ready: " + String.join(" ", cmd)).atMost(NodeProcess.START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !process.isAlive() || count(logText()) > readyBefore);
        if (!process.isAlive()) {
            fail("witness exited with code " + process.exitValue() + " before it was ready; log " + log + ":\n"
                    + logText());
        }
    }

    private static int count(String text) {
        return text.split(READY_LINE, -1).length - 1;
    }

    /** SIGKILL, as a crash would: no goodbye to any client. */
    public void kill() {
        process.destroyForcibly();
        await("witness " + process.pid() + " gone after SIGKILL").atMost(Duration.ofSeconds(30))
                .until(() -> !process.isAlive());
        NodeProcess.untrack(process);
    }

    /** Starts it again with the same port, keys, lease and data directory; the old one must be gone. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("witness " + process.pid() + " still runs");
        }
        launch();
    }

    /** SIGTERM and wait; the exit code. */
    public int stop() {
        return NodeProcess.stop(process, this::logText);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
        NodeProcess.untrack(process);
        NodeProcess.assertNoLeaks("witness", logText(), log);
    }
}
