package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Test;

/**
 * A pair with a witness, three real processes, the nodes' link through a proxy (a cut is a
 * reset, not silence): failover without a person, and never two nodes acknowledging writes.
 */
class WitnessFailoverTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofSeconds(2);

    /** All three seen, and the witness's word that a is primary and b up to date. */
    private static boolean quorumSeen(String status) {
        return status.contains("\"votes\": 3") && status.contains("\"recordedPrimary\": \"a\"")
                && status.contains("\"peerState\": \"up_to_date\"");
    }

    private static String status(NodeProcess n) {
        return PairProcesses.admin(n, "/status");
    }

    @Test
    void aKilledPrimaryIsReplacedWithoutACommandAndEveryAcknowledgedWriteReadsBack() throws Exception {
        try (WitnessTrio t = new WitnessTrio(LEASE)) {
            ResyncTest.awaitInSync(t.a, t.b);
            assertEquals(1L, NodeMetrics.value(t.a, "twinblock_witness_connected"));
            // Quorum as each node sees it: all three, a's lease, the witness's word.
            await("quorum in a's status").atMost(WAIT).until(() -> quorumSeen(status(t.a))
                    && status(t.a).contains("\"leaseHeld\": true"));
            await("quorum in b's status").atMost(WAIT).until(() -> quorumSeen(status(t.b)));
            assertEquals(1L, NodeMetrics.value(t.a, "twinblock_mirror_serving"));
            Map<Long, byte[]> acked;
            long worstGap;
            try (FailoverWriter host = new FailoverWriter(() -> List.of(t.a, t.b), "iqn.2026-01.net.twinblock.it:ha-writer",
                    WAIT)) {
                for (long i = 0; i < 400; i++) {
                    long lba = (i % 256) * 8;
                    host.write(lba, PairClient.pattern(lba, i, 4096));
                    if (i == 100) {
                        host.resetGap();
                        PairProcesses.kill(t.a);
                    }
                }
                acked = host.acked;
                worstGap = host.worstGap().toNanos();
            }
            System.out.println("failover with a witness: longest time without a completed write "
                    + Duration.ofNanos(worstGap).toMillis() + " ms (lease " + LEASE.toMillis() + " ms, heartbeat 500 ms)");
            assertEquals("primary", PairProcesses.mirrorRole(t.b), "b was promoted with no command");
            // A gap of a whole suspend timeout (30 s) would mean a person was needed; the measured gap is in the note.
            assertTrue(worstGap < Duration.ofSeconds(20).toNanos(), "writes stalled " + worstGap / 1_000_000 + " ms");
            try (PairClient check = PairClient.login(t.b, "iqn.2026-01.net.twinblock.it:ha-check")) {
                for (var w : acked.entrySet()) {
                    assertArrayEquals(w.getValue(), check.read(w.getKey(), 4096), "LBA " + w.getKey());
                }
            }

            // The old primary restarted with its unchanged config rejoins as the secondary on its own.
            t.a.close();
            t.a = t.node("a", "primary");
            await("a rejoins as secondary").atMost(WAIT).until(() -> "secondary".equals(PairProcesses.mirrorRole(t.a)));
            ResyncTest.awaitInSync(t.a, t.b);
            try (PairClient check = PairClient.login(t.a, "iqn.2026-01.net.twinblock.it:ha-check2")) {
                for (var w : acked.entrySet()) {
                    assertArrayEquals(w.getValue(), check.read(w.getKey(), 4096), "LBA " + w.getKey() + " via a");
                }
            }
        }
    }

    @Test
    void aCutLinkLeavesExactlyOneNodeAcknowledgingAndTheOutdatedSecondaryIsNeverPromoted() throws Exception {
        try (WitnessTrio t = new WitnessTrio(LEASE)) {
            ResyncTest.awaitInSync(t.a, t.b);
            t.toB.cut();
            // The primary has the witness record b outdated, then writes go on without it.
            try (PairClient host = PairClient.login(t.a, "iqn.2026-01.net.twinblock.it:ha-cut")) {
                host.write(8, PairClient.pattern(8, 1, 4096), true);
            }
            await("b outdated at the witness").atMost(WAIT)
                    .until(() -> String.valueOf(status(t.b)).contains("peer OUTDATED"));
            assertEquals("secondary", PairProcesses.mirrorRole(t.b), "the outdated secondary is not promoted");
            // b cannot acknowledge a write: without its primary it stands by, and says so to hosts.
            try (IscsiConnection host = IscsiConnection.login(t.b.iscsiPort(), "iqn.2026-01.net.twinblock.it:ha-cut-b",
                    t.b.iqn())) {
                assertEquals(Alua.STANDBY, Alua.state(host, 2));
                ScsiResult w;
                do {
                    w = host.write16(0, 16, PairClient.pattern(16, 2, 4096), PairClient.BLOCK, true);
                } while (w.senseKey() == 0x06); // the unit attentions of the new nexus and of the state change
                assertEquals(0x02, w.senseKey(), "NOT READY: " + w);
                assertEquals(0x040b, w.ascq(), "LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE: " + w);
            }

            // The primary dies too: an outdated secondary is never promoted automatically...
            PairProcesses.kill(t.a);
            // Still secondary for three leases: long past the point a promotion would have happened.
            await("b stays secondary").during(LEASE.multipliedBy(3)).atMost(LEASE.multipliedBy(3).plus(WAIT))
                    .until(() -> "secondary".equals(PairProcesses.mirrorRole(t.b)));
            assertTrue(status(t.b).contains("OUTDATED"), status(t.b));
            // ...but an administrator may force it.
            ToolResult forced = t.b.cli(WAIT, "promote", "--force");
            assertEquals(0, forced.exitCode(), forced.describe());
            assertEquals("primary", PairProcesses.mirrorRole(t.b));
        }
    }

    @Test
    void aKilledSecondaryIsOutdatedAndThePrimaryGoesOnThenItResyncsAndIsUpToDateAgain() throws Exception {
        try (WitnessTrio t = new WitnessTrio(LEASE)) {
            ResyncTest.awaitInSync(t.a, t.b);
            PairProcesses.kill(t.b);
            byte[] d = PairClient.pattern(64, 3, 4096);
            try (PairClient host = PairClient.login(t.a, "iqn.2026-01.net.twinblock.it:ha-sec")) {
                long start = System.nanoTime();
                host.write(64, d, true); // held until the witness recorded b outdated, then acknowledged
                System.out.println("secondary killed: a write waited " + (System.nanoTime() - start) / 1_000_000
                        + " ms for the witness to record it outdated");
            }
            assertTrue(status(t.a).contains("peer OUTDATED"), status(t.a));
            t.b.close();
            t.b = t.node("b", "secondary");
            ResyncTest.awaitInSync(t.a, t.b);
            await("b up to date at the witness").atMost(WAIT)
                    .until(() -> status(t.a).contains("peer UP_TO_DATE"));
            try (PairClient host = PairClient.login(t.b, "iqn.2026-01.net.twinblock.it:ha-sec2")) {
                assertArrayEquals(d, host.read(64, 4096), "the write made without b reached it by the resync");
            }
        }
    }

    @Test
    void losingTheWitnessChangesNothingButWithoutQuorumOnlyForceMayPromote() throws Exception {
        try (WitnessTrio t = new WitnessTrio(LEASE)) {
            ResyncTest.awaitInSync(t.a, t.b);
            t.witness.kill();
            await("witness gone").atMost(WAIT).until(() -> NodeMetrics.value(t.a, "twinblock_witness_connected") == 0);
            // The secondary is linked: the primary serves on without a lease, for as long as one lasts and more.
            await("a serves on").during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(2).plus(WAIT))
                    .until(() -> NodeMetrics.value(t.a, "twinblock_mirror_serving") == 1L);
            try (PairClient host = PairClient.login(t.a, "iqn.2026-01.net.twinblock.it:ha-now")) {
                host.write(72, PairClient.pattern(72, 4, 4096), true);
            }
            // Then the primary dies too: one node of three, no automatic promotion...
            PairProcesses.kill(t.a);
            await("b stays secondary without quorum").during(LEASE.multipliedBy(3))
                    .atMost(LEASE.multipliedBy(3).plus(WAIT))
                    .until(() -> "secondary".equals(PairProcesses.mirrorRole(t.b)));
            // ...and an unforced promote needs the witness.
            ToolResult refused = t.b.cli(WAIT, "promote");
            assertTrue(refused.exitCode() != 0 && refused.stderr().contains("witness"), refused.describe());
            ToolResult forced = t.b.cli(WAIT, "promote", "--force");
            assertEquals(0, forced.exitCode(), forced.describe());
            assertEquals("primary", PairProcesses.mirrorRole(t.b));
            assertEquals(1L, NodeMetrics.value(t.b, "twinblock_mirror_serving"));
        }
    }
}
