package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The administrator's CLI against real node processes: {@code status} (the human view, and the
 * JSON it is rendered from, asked of the same node at the same moment), {@code --watch},
 * {@code sessions}, {@code events}, {@code verify} and {@code resync} as background jobs with
 * {@code --wait}, and {@code config check}, for a healthy pair, a degraded one (secondary killed, or its link cut) and
 * a resyncing one, with each exit code: 0 ok, 1 refused or blocks differ, 2 usage or config, 3
 * node unreachable.
 */
class AdminCliTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String HOST = "iqn.2026-01.net.twinblock.it:admin-cli";

    private static ToolResult cli(NodeProcess node, String... args) {
        return node.cli(TIMEOUT, args);
    }

    /** Runs {@code args} and fails with the output unless the exit code is {@code exit}. */
    private static ToolResult expect(int exit, NodeProcess node, String... args) {
        ToolResult r = cli(node, args);
        assertEquals(exit, r.exitCode(), r.describe());
        return r;
    }

    private static void assertMatches(String regex, String text) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(text).find(), "no match for " + regex + " in:\n" + text);
    }

    @Test
    void aHealthyPairAtAGlanceItsSessionsAndVerifyAndResyncAsJobs() throws Exception {
        try (PairProcesses pair = PairProcesses.start("--scrub.max-rate=0");
             PairClient host = PairClient.login(pair.primary(), HOST)) {
            host.write(100, PairClient.pattern(100, 1, 4096), true);

            String json = expect(0, pair.primary(), "status", "--json").stdout();
            assertTrue(json.contains("\"role\": \"primary\"") && json.contains("\"state\": \"in_sync\"")
                    && json.contains("\"peerName\": \"secondary\""), json);
            assertTrue(json.contains("\"health\": {\n    \"serving\": true"), json);
            String view = expect(0, pair.primary(), "status").stdout();
            assertTrue(view.startsWith("primary: primary (ALUA active_optimized, port group 1), serving\n"), view);
            assertMatches("^  peer secondary at 127\\.0\\.0\\.1:" + pair.linkPort() + ": link up$", view);
            assertMatches("^  lun 0 +64\\.0 MiB  in_sync$", view);
            assertMatches(", 1 session$", view);
            String secondary = expect(0, pair.secondary(), "status").stdout();
            assertTrue(secondary.startsWith("secondary: secondary (ALUA active_non_optimized, port group 2), serving\n"),
                    secondary);

            String sessions = expect(0, pair.primary(), "sessions", "--json").stdout();
            assertTrue(sessions.contains("\"initiator\": \"" + HOST + "\"") && sessions.contains("\"connections\": 1")
                    && sessions.contains("\"inFlight\": 0") && sessions.contains("\"tsih\": "), sessions);
            String table = expect(0, pair.primary(), "sessions").stdout();
            assertTrue(table.startsWith("INITIATOR "), table);
            assertMatches("^" + Pattern.quote(HOST) + " +127\\.0\\.0\\.1:\\d+ +[0-9a-f]{12} +normal +\\d+ +1 +0 +\\d+$", table);
            assertEquals("no sessions\n", expect(0, pair.secondary(), "sessions").stdout());

            // verify returns at once with a job; status shows it; --wait ends with the verdict.
            ToolResult started = expect(0, pair.primary(), "verify");
            assertMatches("^verify job 1 started: twinblock status shows its progress", started.stdout());
            await("verify job done").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> cli(pair.primary(), "status").stdout().contains("verify job 1: done in "));
            String done = expect(0, pair.primary(), "status").stdout();
            assertMatches("^  verify job 1: done in \\d+\\.\\d s, the copies are identical$", done);
            assertTrue(expect(0, pair.primary(), "status", "--json").stdout().contains("\"kind\": \"verify\""));
            ToolResult identical = expect(0, pair.primary(), "verify", "--wait");
            assertTrue(identical.stdout().contains("\"mismatchedBlocks\": 0"), identical.describe());
            assertMatches("^verify job 2: done in ", identical.stderr());

            // A client that holds the request open itself gets the result in the answer.
            HttpResponse<String> held = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + pair.primary().adminPort() + "/verify?wait=true"))
                            .header("Authorization", "Bearer " + Files.readString(pair.primary().adminTokenFile()).strip())
                            .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, held.statusCode(), held.body());
            assertTrue(held.body().contains("\"result\": \"identical\""), held.body());

            corrupt(PairProcesses.image(pair.secondary()), 100);
            ToolResult differ = expect(1, pair.primary(), "verify", "--wait");
            assertTrue(differ.stdout().contains("\"mismatchedBlocks\": 1"), differ.describe());
            assertMatches("^verify job 4: done in .*, 1 blocks differ, 0 repaired$", differ.stderr());

            ToolResult resync = expect(0, pair.primary(), "resync", "--checksum", "--wait");
            assertTrue(resync.stdout().contains("\"blocksCopied\": 128"), "one 64 KiB region: " + resync.describe());
            assertTrue(expect(0, pair.primary(), "verify", "--wait").stdout().contains("\"mismatchedBlocks\": 0"));
            ToolResult json202 = expect(0, pair.primary(), "resync", "--checksum", "--json");
            assertTrue(json202.stdout().contains("\"result\": \"started\""), json202.describe());

            // The secondary refuses (1); a bad command line is 2; a node nobody runs is 3.
            ToolResult onSecondary = expect(1, pair.secondary(), "verify", "--wait");
            assertTrue(onSecondary.stderr().startsWith("verify refused: "), onSecondary.describe());
            expect(2, pair.primary(), "resync", "--wait");
            expect(2, pair.primary(), "status", "--watch", "0");
            ToolResult nobody = NodeProcess.runJar(TIMEOUT, "status", "--admin", "127.0.0.1:" + NodeProcess.freePort());
            assertEquals(3, nobody.exitCode(), nobody.describe());

            // --watch redraws until stopped: killed here after a few frames.
            List<String> watch = new ArrayList<>(NodeProcess.javaCommand(false));
            watch.addAll(List.of("status", "--watch", "0.3", "--admin", "127.0.0.1:" + pair.primary().adminPort()));
            ToolResult watched = ToolResult.runMerged(Duration.ofSeconds(8), watch);
            assertTrue(watched.timedOut(), "--watch ran until stopped: " + watched.describe());
            long frames = watched.stdout().lines().filter(l -> l.startsWith("primary: primary ")).count();
            assertTrue(frames >= 2, "redrawn: " + watched.describe());
            assertTrue(watched.stdout().contains("twinblock status every 0.3 s, "), watched.describe());
        }
    }

    @Test
    void aPairWithItsSecondaryKilledSaysWhyThePrimaryDoesNotServe() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            String now = expect(0, pair.primary(), "events", "--now").stdout();
            assertMatches("^\\S+ exists role: primary$", now);
            assertMatches("^\\S+ exists link: up$", now);
            assertMatches("^\\S+ exists lun:0 state: in_sync$", now);

            // events streams a line per change as it happens, until SIGTERM (exit 0).
            Path stream = pair.dir().resolve("events.txt");
            List<String> command = new ArrayList<>(NodeProcess.javaCommand(false));
            command.addAll(List.of("events", "--admin", "127.0.0.1:" + pair.primary().adminPort()));
            Process events = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(stream.toFile()).start();
            try {
                await("events streaming").atMost(TIMEOUT).until(() -> Files.readString(stream).contains(" exists role: "));
                PairProcesses.kill(pair.secondary());
                await("primary suspended").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                        .until(() -> "suspended".equals(PairProcesses.mirrorState(pair.primary())));
                await("the changes streamed").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
                    String text = Files.readString(stream);
                    return text.contains(" change lun:0 state: in_sync -> suspended\n")
                            && text.contains(" change link: up -> down\n");
                });
                assertMatches("^\\S+ change serving: yes -> no \\(I/O suspended: ", Files.readString(stream));
                events.destroy();
                assertTrue(events.waitFor(30, TimeUnit.SECONDS), "events ignored SIGTERM");
                assertEquals(0, events.exitValue(), Files.readString(stream));
            } finally {
                events.destroyForcibly();
            }

            String json = expect(0, pair.primary(), "status", "--json").stdout();
            assertTrue(json.contains("\"serving\": false,\n    \"reason\": \"I/O suspended: the partner is unreachable"),
                    json);
            assertTrue(json.contains("\"peer\": null"), json);
            String view = expect(0, pair.primary(), "status").stdout();
            assertTrue(view.startsWith("primary: primary (ALUA active_optimized, port group 1), NOT serving: I/O"
                    + " suspended: the partner is unreachable and mirror.on-peer-loss is suspend\n"), view);
            assertMatches("^  peer secondary: link down \\(on peer loss: suspend\\)$", view);
            assertMatches("^  lun 0 +64\\.0 MiB  suspended$", view);

            ToolResult verify = expect(1, pair.primary(), "verify", "--wait");
            assertTrue(verify.stderr().startsWith("verify refused: "), verify.describe());
            expect(0, pair.primary(), "sessions");
            ToolResult dead = expect(3, pair.secondary(), "status");
            assertTrue(dead.stderr().startsWith("status: cannot reach the admin endpoint"), dead.describe());
            expect(3, pair.secondary(), "sessions");
            expect(3, pair.secondary(), "events", "--now");
        }
    }

    @Test
    void aDegradedThenResyncingPairShowsWhatIsLeftToCopyAndTheCopyWithAProgressBar() throws Exception {
        // The primary restarts during the outage, so its bitmap is gone and the pair compares every
        // region by checksum, at 4 MiB/s: 64 MiB take about 16 s, time for the CLI calls below (a
        // bitmap resync is not paced).
        try (ResyncTest.Pair pair = new ResyncTest.Pair("--resync.max-rate=4M")) {
            try (PairClient host = PairClient.login(pair.primary, HOST)) {
                host.write(3, PairClient.pattern(3, 1, 4096), true); // both copies hold data: no longer new
            }
            pair.proxy.cut();
            await("primary degraded").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
            try (PairClient host = PairClient.login(pair.primary, HOST)) {
                for (long region = 0; region < 1024; region += 4) {
                    long lba = region * 128;
                    host.write(lba, PairClient.pattern(lba, 2, 4096), false);
                }
                host.synchronizeCache();
            }
            String degraded = expect(0, pair.primary, "status").stdout();
            assertTrue(degraded.startsWith("primary: primary (ALUA active_optimized, port group 1), serving\n"), degraded);
            assertMatches("^  peer secondary: link down \\(on peer loss: continue\\)$", degraded);
            assertMatches("^  lun 0 +64\\.0 MiB  degraded, 256 regions to resync$", degraded);
            String degradedJson = expect(0, pair.primary, "status", "--json").stdout();
            assertTrue(degradedJson.contains("\"state\": \"degraded\"") && degradedJson.contains("\"regionsMarked\": 256"),
                    degradedJson);

            pair.restartPrimary();
            pair.proxy.restore();
            await("checksum resync running").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> PairProcesses.admin(pair.primary, "/status").contains("\"checksumRunning\": true"));
            String json = expect(0, pair.primary, "status", "--json").stdout();
            assertTrue(json.contains("\"checksumRunning\": true") && json.contains("\"checksumRegionsTotal\": 1024"), json);
            String view = expect(0, pair.primary, "status").stdout();
            assertMatches("^  peer secondary at 127\\.0\\.0\\.1:\\d+: link up$", view);
            assertMatches("^ {19}checksum resync  \\[[#.]{20}\\] +\\d+\\.\\d%  (\\d+\\.\\d MB/s  )?ETA ", view);
            String secondary = expect(0, pair.secondary, "status").stdout();
            assertMatches("^secondary: secondary ", secondary);
            assertMatches("^  lun 0 +64\\.0 MiB  ", secondary);
            System.out.println("resyncing pair, primary:\n" + view + json + "secondary:\n" + secondary
                    + PairProcesses.admin(pair.secondary, "/status"));
            ToolResult verify = expect(1, pair.primary, "verify");
            assertTrue(verify.stderr().startsWith("verify refused: "), verify.describe());

            ResyncTest.awaitInSync(pair.primary, pair.secondary);
            assertMatches("^  lun 0 +64\\.0 MiB  in_sync$", expect(0, pair.primary, "status").stdout());
            assertTrue(expect(0, pair.primary, "verify", "--wait").stdout().contains("\"mismatchedBlocks\": 0"));
        }
    }

    @Test
    void configCheckSaysWhatANodeWouldBeOrNamesTheKeyAsServeDoes() throws IOException {
        Path dir = NodeProcess.newWorkDir("config-check");
        Path key = Files.writeString(dir.resolve("pair.key"), "config check pair key, long enough\n");
        Path good = Files.writeString(dir.resolve("primary.conf"), String.join("\n", "node.name = alpha",
                "mirror.role = primary", "mirror.peer = 127.0.0.1:3280", "mirror.secret-file = " + key, "lun.0.size = 1G", ""));
        ToolResult ok = NodeProcess.runJar(TIMEOUT, "config", "check", good.toString());
        assertEquals(0, ok.exitCode(), ok.describe());
        assertEquals(good + ": valid: node alpha, primary (peer 127.0.0.1:3280), 1 LUN (0: 1.0 GiB), iSCSI on"
                + " 127.0.0.1:3260, admin on 127.0.0.1:3270\n", ok.stdout());

        Path bad = Files.writeString(dir.resolve("bad.conf"), "mirror.role = primary\nmirror.secret-file = " + key + "\n");
        ToolResult wrong = NodeProcess.runJar(TIMEOUT, "config", "check", bad.toString());
        assertEquals(2, wrong.exitCode(), wrong.describe());
        assertTrue(wrong.stderr().startsWith("config error: mirror.peer: "), wrong.describe());
        ToolResult serve = NodeProcess.runJar(TIMEOUT, "serve", "--config", bad.toString());
        assertEquals(2, serve.exitCode(), serve.describe());
        assertEquals(serve.stderr(), wrong.stderr(), "the same text the node prints at start");
    }

    /** Overwrites one block of a volume file behind the node's back, as a failing disk would. */
    private static void corrupt(Path image, long lba) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(PairClient.pattern(lba, 0xBAD, PairClient.BLOCK));
            long pos = lba * PairClient.BLOCK;
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
            ch.force(true);
        }
    }
}
