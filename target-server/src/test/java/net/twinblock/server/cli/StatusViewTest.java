package net.twinblock.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import net.twinblock.server.admin.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The human views over GET /status and GET /sessions answers captured from real nodes
 * (src/test/resources/status/README.md says how each was made).
 */
class StatusViewTest {

    static JsonNode fixture(String name) throws IOException {
        return JsonNode.parse(fixtureText(name));
    }

    private static String fixtureText(String name) throws IOException {
        try (InputStream in = StatusViewTest.class.getResourceAsStream("/status/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String render(String name) throws IOException {
        return StatusView.render(fixture(name));
    }

    /** The view of fixture {@code name} with {@code fields} added after the first {@code after}. */
    private static String renderWith(String name, String after, String fields) throws IOException {
        String text = fixtureText(name);
        int at = text.indexOf(after) + after.length();
        return StatusView.render(JsonNode.parse(text.substring(0, at) + " " + fields + text.substring(at)));
    }

    @Test
    void aHealthyPrimaryShowsItsRoleThePeerAndEachLunInSync() throws IOException {
        assertEquals("""
                alpha: primary (ALUA active_optimized, port group 1), serving
                  peer beta at 127.0.0.1:43280: link up
                  lun 0    256.0 MiB  in_sync
                  lun 1     64.0 MiB  in_sync
                  target iqn.2026-11.net.twinblock:fx at 127.0.0.1:43260, 0 sessions
                """, render("healthy-primary"));
    }

    @Test
    void aFailedDiskIsShownUnderItsLun() throws IOException {
        String view = renderWith("healthy-primary", "\"lun\": 0,", "\"disk_failed\": true, \"disk_detached\": true,"
                + " \"flush_poisoned\": true, \"disk_failure\": \"fdatasync of lun0.img failed\",");
        assertTrue(view.contains("  lun 0    256.0 MiB  in_sync\n      disk FAILED (detached, flush poisoned):"
                + " fdatasync of lun0.img failed\n  lun 1 "), view);
    }

    @Test
    void aLinkThatFailsBeforeAuthenticationShowsWhyUnderItsLun() throws IOException {
        // The mirror's LUN 0 (the first "refusal"), as a primary shows an untrusted partner.
        String view = renderWith("healthy-primary", "\"refusal\": null,",
                "\"linkFailure\": \"TLS with /10.0.0.2:3280 failed: Received fatal alert: certificate_unknown\",");
        assertTrue(view.contains("  lun 0    256.0 MiB  in_sync\n                   link failed: TLS with"
                + " /10.0.0.2:3280 failed: Received fatal alert: certificate_unknown\n  lun 1 "), view);
    }

    @Test
    void aHealthySecondaryNamesItsPrimary() throws IOException {
        String view = render("healthy-secondary");
        assertTrue(view.startsWith("beta: secondary (ALUA active_non_optimized, port group 2), serving\n"), view);
        assertTrue(view.contains("  peer alpha at 127.0.0.1:"), view);
    }

    @Test
    void aPrimaryWithoutItsSecondarySaysWhyItDoesNotServe() throws IOException {
        String view = render("degraded-primary");
        assertTrue(view.startsWith("alpha: primary (ALUA active_optimized, port group 1), NOT serving: I/O suspended:"
                + " the partner is unreachable and mirror.on-peer-loss is suspend\n"), view);
        assertTrue(view.contains("  peer beta: link down (on peer loss: suspend)\n"), view);
        assertTrue(view.contains("  lun 0    256.0 MiB  suspended\n"), view);
        assertTrue(view.contains("  verify job 1: done in 39.1 s, the copies are identical\n"), view);
        assertTrue(view.contains("  resync job 2: done in 31.5 s, 0 blocks differed, 0 copied\n"), view);
    }

    @Test
    void aRestartedPrimaryWaitingForItsPartnerSaysSo() throws IOException {
        String view = render("waiting-primary");
        assertTrue(view.startsWith("alpha: primary (ALUA unavailable, port group 1), NOT serving: configured"
                + " primary, waiting for its partner"), view);
        assertTrue(view.contains("  peer (not seen yet): link down (on peer loss: continue)\n"), view);
        assertTrue(view.contains("  lun 0    256.0 MiB  connecting\n"), view);
    }

    @Test
    void aRunningScrubShowsABarRateAndTimeLeftPerLunAndTheJob() throws IOException {
        String view = render("scrub-with-session-primary");
        // The host's reads slowed it to scrub.busy-rate; LUN 1, smaller, was done already.
        assertTrue(view.contains("\n  lun 0    256.0 MiB  in_sync\n                   scrub (slowed for host I/O)"
                + "  [#######.............]  34.3%  5.4 MB/s  ETA 0:00:32\n  lun 1     64.0 MiB  in_sync\n"), view);
        assertTrue(view.matches("(?s).*\n  verify job 1: running  \\[#*\\.*\\] +\\d+\\.\\d%.*"), view);
        assertTrue(view.endsWith(", 1 session\n"), view);
    }

    @Test
    void aChecksumResyncShowsItsProgressOnThePrimary() throws IOException {
        String view = render("checksum-resync-primary");
        assertTrue(view.matches("(?s).*\n {19}checksum resync  \\[#+\\.*\\] +\\d+\\.\\d%  \\d+\\.\\d MB/s  ETA .*"), view);
        assertTrue(view.contains("  resync job 2: running"), view);
    }

    @Test
    void aChecksumResyncAfterThePrimaryRestartedShowsOneBarAndTheSecondaryItsInconsistentCopy() throws IOException {
        String primary = render("checksum-resync-restarted-primary");
        assertTrue(primary.contains("\n  lun 0     64.0 MiB  syncing\n                   checksum resync"
                + "  [#...................]   6.2%  1.7 MB/s  ETA 0:00:36\n"), primary);
        assertTrue(!primary.contains("held for the partner"), "writes in flight on a link are no news: " + primary);
        String secondary = render("checksum-resync-restarted-secondary");
        assertTrue(secondary.contains("\n  lun 0     64.0 MiB  syncing\n                   copy INCONSISTENT, until this"
                + " resync to it ends"), secondary);
        assertTrue(secondary.contains(": promote refuses it without --force\n"), secondary);
    }

    @Test
    void aPairWithAWitnessShowsWhatTheWitnessSaysAndWhenItIsLost() throws IOException {
        String primary = render("witness-primary");
        assertTrue(primary.contains("\n  peer beta at 127.0.0.1:43280: link up\n  witness 127.0.0.1:43290 connected;"
                + " epoch 0, primary alpha, peer UP_TO_DATE; lease held\n"), primary);
        assertTrue(render("witness-secondary").contains("\n  witness 127.0.0.1:43290 connected; epoch 0, primary alpha"));
        String lost = render("witness-lost-primary");
        assertTrue(lost.startsWith("alpha: primary (ALUA active_optimized, port group 1), serving\n"),
                "its secondary is there, so it serves: " + lost);
        assertTrue(lost.contains("\n  witness 127.0.0.1:43290 unreachable (cannot connect: "), lost);
        assertTrue(lost.contains("; lease not held\n"), lost);
    }

    @Test
    void quorumSaysWhichOfTheThreeThisNodeSeesAndWhatIsLeftOfTheLease() throws IOException {
        // The mirror.quorum object as PairView writes it, put into a captured witness fixture.
        String json = fixtureText("witness-primary").replace("\"witness\":", "\"quorum\": {\"votes\": 2,"
                + " \"witness\": \"127.0.0.1:43290\", \"witnessConnected\": true, \"witnessProblem\": null,"
                + " \"partnerLinked\": false, \"leaseHeld\": true, \"leaseRemainingMillis\": 1375, \"epoch\": 0,"
                + " \"recordedPrimary\": \"alpha\", \"peerState\": \"outdated\", \"lastRefusal\": null}, \"witness\":");
        String view = StatusView.render(JsonNode.parse(json));
        assertTrue(view.contains("\n  quorum 2/3 (this node, witness); lease held, 1.4 s left\n"), view);
        assertFalse(render("healthy-primary").contains("quorum"), "no witness, no quorum line");
    }

    @Test
    void theBarIsFilledInProportionAndTheEtaIsAClock() {
        StringBuilder b = new StringBuilder();
        StatusView.bar(b, 50.0, 8.0, 3725);
        assertEquals("[##########..........]  50.0%  8.0 MB/s  ETA 1:02:05", b.toString());
        b.setLength(0);
        StatusView.bar(b, 0, 0, 0);
        assertEquals("[....................]   0.0%  ETA unknown", b.toString());
    }

    @Test
    void aStandaloneNodeShowsItsLunsUnmirrored() {
        JsonNode status = JsonNode.parse("""
                {"node": {"state": "serving"}, "health": {"serving": true, "reason": null},
                 "target": {"name": "iqn.x:y", "portals": ["127.0.0.1:3260"]},
                 "luns": [{"lun": 0, "sizeBytes": 1048576}], "sessions": [], "mirror": {"role": "standalone"},
                 "jobs": []}
                """);
        assertEquals("""
                this node: standalone, serving
                  lun 0      1.0 MiB  not mirrored
                  target iqn.x:y at 127.0.0.1:3260, 0 sessions
                """, StatusView.render(status));
    }

    @Test
    void aSplitBrainShowsBothSidesAndTheCommandThatEndsIt() {
        JsonNode status = JsonNode.parse("""
                {"health": {"serving": false, "reason": "split brain"}, "target": {"name": "t", "portals": []},
                 "luns": [{"lun": 0, "sizeBytes": 1024}], "sessions": [],
                 "mirror": {"name": "alpha", "role": "secondary", "aluaState": "standby", "portGroup": 1,
                  "peer": null, "peerName": "beta", "onPeerLoss": "suspend",
                  "luns": [{"lun": 0, "state": "split_brain", "consistent": true, "progress": {},
                   "resync": {}, "writes": {}, "scrub": {},
                   "splitBrain": {"reason": "both were primary", "local": {"name": "alpha", "generations": "g1"},
                    "peer": {"name": "beta", "generations": "g2"}, "resolve": "twinblock resolve --discard NAME",
                    "pendingDiscard": null}}]}}
                """);
        String view = StatusView.render(status);
        assertTrue(view.contains("  lun 0      1.0 KiB  split_brain\n"), view);
        assertTrue(view.contains("SPLIT BRAIN: both were primary\n"), view);
        assertTrue(view.contains("  alpha: g1\n") && view.contains("  beta: g2\n"), view);
        assertTrue(view.contains("  to end it: twinblock resolve --discard NAME\n"), view);
    }

    @Test
    void sessionsAreATableWithNumbersRightAligned() throws IOException {
        assertEquals("""
                INITIATOR                           ADDRESS          ISID          TYPE    TSIH  CONN  IN FLIGHT  COMMANDS
                iqn.2026-01.net.twinblock.fx:host1  127.0.0.1:43466  8000877d0000  normal     1     1         17     42454
                """, SessionsView.render(fixture("sessions")));
        assertEquals("no sessions\n", SessionsView.render(JsonNode.parse("{\"sessions\": []}")));
    }
}
