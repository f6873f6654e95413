package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The outcome of one external command (an iscsi-* tool, or the node jar for CLI checks), run with a
 * hard timeout so a hung client can never hang the build.
 */
public record ToolResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

    /** Runs {@code command} to completion, or kills it and fails the test after {@code timeout}. */
    public static ToolResult run(Duration timeout, List<String> command) {
        ToolResult r = run(timeout, command, false);
        if (r.timedOut) {
            fail("timed out after " + timeout + ": " + r.describe());
        }
        return r;
    }

    /**
     * Runs with stderr merged into stdout, in the order written. A run that outlives {@code timeout}
     * is killed and returned with {@link #timedOut()} set and the output it had produced, so the
     * caller can say how far it got.
     */
    public static ToolResult runMerged(Duration timeout, List<String> command) {
        return run(timeout, command, true);
    }

    private static ToolResult run(Duration timeout, List<String> command, boolean merge) {
        requireOnPath(command.get(0));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(merge).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        // Drain both pipes concurrently: a tool blocked on a full stderr pipe would look like a hang.
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try {
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                // Killing the process closes its pipes, so the drains below end with what it wrote.
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new ToolResult(List.copyOf(command), finished ? p.exitValue() : -1,
                    out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS), !finished);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read output of " + command, e);
        }
    }

    public static ToolResult run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    /** Runs a tool and fails the test with its whole output unless it exits 0. */
    public static ToolResult ok(Duration timeout, String... command) {
        ToolResult r = run(timeout, command);
        if (r.exitCode != 0) {
            fail(r.describe());
        }
        return r;
    }

    public String output() {
        return stdout + stderr;
    }

    public String describe() {
        return String.join(" ", command) + (timedOut ? " timed out and was killed" : " exited " + exitCode)
                + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }

    /** Lines of stdout starting with {@code prefix}, e.g. "Designator:". */
    public List<String> linesStartingWith(String prefix) {
        List<String> hits = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith(prefix)) {
                hits.add(line);
            }
        }
        return hits;
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<output unreadable: " + e + ">";
        }
    }

    /** Tells a developer what to install instead of failing with "error=2, No such file". */
    static void requireOnPath(String executable) {
        if (executable.contains("/") || onPath(executable)) {
            return;
        }
        fail(executable + " is not installed; .ci/run installs it (Debian: apt-get install -y libiscsi-bin)");
    }

    /** Whether an executable of that name is on PATH (for tests that skip without it). */
    static boolean onPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }
}
