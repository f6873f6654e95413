package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: the tarball and the .deb that {@code mvn package} built in
 * distribution/target (this test builds nothing), unpacked and run with the launcher.
 */
class DistributionTest {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void tarballNodeServesWithShippedConfigAndAnswersStatus() throws Exception {
        Path home = unpackTarball();
        Path launcher = home.resolve("bin/twinblock");
        Path config = home.resolve("etc/twinblock/node.conf");
        assertTrue(Files.isExecutable(launcher), "bin/twinblock is not executable");
        assertTrue(Files.isRegularFile(config), "etc/twinblock/node.conf missing");
        assertTrue(Files.isRegularFile(home.resolve("systemd/twinblock@.service")), "systemd unit missing");
        String iqn = shippedValue(config, "iscsi.target", "iqn.2026-11.net.twinblock:vol0");

        int iscsi = NodeProcess.freePort();
        int admin = NodeProcess.freePort();
        Path work = Files.createDirectories(dir.resolve("work"));
        Path log = dir.resolve("node.log");
        // The shipped config's relative data.dir lands in the working directory, as under systemd.
        ProcessBuilder pb = launcherProcess(launcher, work, "serve", "--config", config.toString(),
                "--iscsi.listen=127.0.0.1:" + iscsi, "--admin.listen=127.0.0.1:" + admin, "--lun.0.size=64M")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process node = pb.start();
        try {
            await("node started by bin/twinblock").atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> !node.isAlive() || read(log).contains(NodeProcess.READY_LINE));
            assertTrue(node.isAlive(), () -> "node exited with " + node.exitValue() + ":\n" + read(log));

            Process status = launcherProcess(launcher, work, "status", "--json", "--admin", "127.0.0.1:" + admin)
                    .redirectErrorStream(true).start();
            String out = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(status.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "status hung");
            assertEquals(0, status.exitValue(), out);
            assertTrue(out.contains("\"state\": \"serving\""), out);
            assertTrue(out.contains("\"name\": \"" + iqn + "\""), out);
            assertTrue(out.contains("\"127.0.0.1:" + iscsi + "\""), out);
            assertTrue(Files.isRegularFile(work.resolve("data/lun0.img")), "data not under the working dir");

            node.destroy();
            assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node ignored SIGTERM");
            assertEquals(0, node.exitValue(), () -> read(log));
        } finally {
            if (node.isAlive()) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void tarballLauncherRunsAWitness() throws Exception {
        Path launcher = unpackTarball().resolve("bin/twinblock");
        Path keys = Files.writeString(dir.resolve("witness.keys"), "a pair's key of 32 bytes, base64\n");
        Path log = dir.resolve("witness.log");
        Process witness = launcherProcess(launcher, dir, "witness", "--listen", "127.0.0.1:" + NodeProcess.freePort(),
                "--secret-file", keys.toString(), "--data-dir", dir.resolve("witness").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("witness started by bin/twinblock").atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> !witness.isAlive() || read(log).contains(WitnessProcess.READY_LINE));
            assertTrue(witness.isAlive(), () -> "witness exited with " + witness.exitValue() + ":\n" + read(log));
            witness.destroy();
            assertTrue(witness.waitFor(30, TimeUnit.SECONDS), "witness ignored SIGTERM");
            assertEquals(0, witness.exitValue(), () -> read(log));
        } finally {
            if (witness.isAlive()) {
                witness.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void debianPackageHasTheLayoutAndMaintainerScripts() throws Exception {
        assumeTrue(ToolResult.onPath("dpkg-deb"), "dpkg-deb is not installed (not a Debian system): .deb not checked");
        Path deb = built("twinblock_", ".deb");

        String info = run("dpkg-deb", "--info", deb.toString());
        assertTrue(info.contains("Package: twinblock"), info);
        assertTrue(info.contains("Architecture: all"), info);
        assertTrue(info.contains("Depends: default-jre-headless"), info);
        assertTrue(info.contains("postinst"), info);
        String postinst = controlFile(deb, "postinst");
        assertTrue(postinst.contains("adduser --system") && postinst.contains("twinblock"), postinst);
        assertTrue(controlFile(deb, "conffiles").contains("/etc/twinblock/node.conf"), "node.conf not a conffile");

        String contents = run("dpkg-deb", "--contents", deb.toString());
        for (String path : List.of("./usr/share/twinblock/bin/twinblock", "./usr/share/twinblock/lib/target-server.jar",
                "./etc/twinblock/node.conf", "./lib/systemd/system/twinblock@.service",
                "./usr/bin/twinblock -> ../share/twinblock/bin/twinblock")) {
            assertTrue(contents.contains(path), path + " missing from the package:\n" + contents);
        }
        assertTrue(contents.contains("-rwxr-xr-x root/root"), "launcher not executable or not root-owned:\n" + contents);
    }

    @Test
    void systemdUnitPassesSystemdAnalyzeVerify() throws Exception {
        assumeTrue(ToolResult.onPath("systemd-analyze"), "systemd-analyze is not installed: unit not verified");
        Path home = unpackTarball();
        String unit = Files.readString(home.resolve("systemd/twinblock@.service"));
        assertTrue(unit.contains("Type=notify"), unit);
        assertTrue(unit.contains("ProtectSystem=strict") && unit.contains("NoNewPrivileges=yes"), unit);
        // verify checks that ExecStart's binary exists: point it at the unpacked launcher.
        Path units = Files.createDirectories(dir.resolve("units"));
        Path instance = units.resolve("twinblock@node.service");
        Files.writeString(instance, unit.replace("/usr/bin/twinblock", home.resolve("bin/twinblock").toString()));
        Process p = new ProcessBuilder("systemd-analyze", "verify", instance.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "systemd-analyze hung");
        // Outside a booted systemd (containers) verify may miss sysinit.target; every other line is ours.
        List<String> findings = out.lines().filter(l -> !l.isBlank() && !l.contains("sysinit.target")).toList();
        assertTrue(findings.isEmpty(), "systemd-analyze verify (exit " + p.exitValue() + "):\n" + out);
    }

    private Path unpackTarball() throws Exception {
        Path tarball = built("twinblock-", ".tar.gz");
        Path into = Files.createDirectories(dir.resolve("unpacked"));
        run("tar", "-xzf", tarball.toString(), "-C", into.toString());
        try (DirectoryStream<Path> tops = Files.newDirectoryStream(into)) {
            for (Path top : tops) {
                return top;
            }
        }
        throw new AssertionError("empty tarball " + tarball);
    }

    /** The one file in distribution/target with that name shape, built by mvn package. */
    private static Path built(String prefix, String suffix) throws IOException {
        Path target = Paths.get(System.getProperty("twinblock.dist.dir", "../distribution/target")).toAbsolutePath();
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(target, prefix + "*" + suffix)) {
                files.forEach(found::add);
            }
        }
        if (found.size() != 1) {
            fail("expected one " + prefix + "*" + suffix + " in " + target + ", found " + found
                    + "; build it first: mvn -B -DskipTests package (from the repository root)");
        }
        return found.get(0);
    }

    private static ProcessBuilder launcherProcess(Path launcher, Path workDir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // The launcher's JVM lookup: the JVM running these tests.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "-Dio.netty.leakDetection.level=paranoid");
        return pb;
    }

    private static String controlFile(Path deb, String name) throws Exception {
        Path out = Files.createTempDirectory("deb-control");
        try {
            run("dpkg-deb", "--control", deb.toString(), out.toString());
            return Files.readString(out.resolve(name));
        } finally {
            run("rm", "-rf", out.toString());
        }
    }

    private static String shippedValue(Path config, String key, String dflt) throws IOException {
        return Files.readAllLines(config).stream().map(String::strip).filter(l -> l.startsWith(key + " ") || l.startsWith(key + "="))
                .map(l -> l.substring(l.indexOf('=') + 1).strip()).findFirst().orElse(dflt);
    }

    private static String run(String... cmd) {
        ToolResult r = ToolResult.run(RUN_TIMEOUT, List.of(cmd));
        assertEquals(0, r.exitCode(), r::describe);
        return r.stdout();
    }


    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
