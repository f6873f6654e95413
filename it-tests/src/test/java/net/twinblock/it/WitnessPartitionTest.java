package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partitions that are silence, not resets: the primary, the secondary and the witness each run on
 * their own host (a network namespace joined to the others by a bridge), and the test, in the root
 * namespace, is the iSCSI host that reaches both nodes. A cut drops packets; nobody is told.
 * Skipped, with the reason, where namespaces cannot be made (it needs root).
 */
class WitnessPartitionTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int LINK_PORT = 3280;

    @BeforeAll
    static void namespacesCanBeMade() {
        String why = NetnsLab.unavailable();
        Assumptions.assumeTrue(why == null, why);
    }

    /** Three hosts: a (configured primary), b (secondary), w (the witness). */
    static final class Hosts implements AutoCloseable {
        final NetnsLab lab = new NetnsLab(List.of("a", "b", "w"), List.of("a", "b"));
        final Path dir = NodeProcess.newWorkDir("partition");
        final Path key = dir.resolve("pair.key");
        final WitnessProcess witness;
        NodeProcess a;
        NodeProcess b;

        Hosts() throws IOException {
            try {
                String keyText = "partition pair key " + System.nanoTime();
                Files.writeString(key, keyText + "\n", StandardCharsets.US_ASCII);
                witness = WitnessProcess.start(List.of(keyText), LEASE, lab.exec("w"), lab.clusterAddress("w"));
                b = node("b", "secondary");
                a = node("a", "primary");
            } catch (IOException | RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        NodeProcess node(String name, String role) {
            String other = name.equals("a") ? "b" : "a";
            return NodeProcess.builder().iqn(PairProcesses.PAIR_IQN).dataDir(dir.resolve(name))
                    .runBy(lab.exec(name), lab.hostAddress(name))
                    .arg("--node.name=" + name).arg("--mirror.role=" + role)
                    .arg("--mirror.listen=" + lab.clusterAddress(name) + ":" + LINK_PORT)
                    .arg("--mirror.peer=" + lab.clusterAddress(other) + ":" + LINK_PORT)
                    // The lab's addresses are not loopback (TLS would be on by default): this test
                    // is about partitions, MirrorTlsTest about TLS.
                    .arg("--mirror.tls=off")
                    .arg("--iscsi.port-group=" + (name.equals("a") ? 1 : 2)).arg("--mirror.secret-file=" + key)
                    .arg("--mirror.witness=" + lab.clusterAddress("w") + ":" + witness.port())
                    .arg("--mirror.lease=" + LEASE.toMillis() + "ms").arg("--mirror.heartbeat=500ms")
                    .arg("--mirror.suspend-timeout=5s").start();
        }

        @Override
        public void close() {
            try {
                for (NodeProcess n : new NodeProcess[] {a, b}) {
                    if (n != null) {
                        n.close();
                    }
                }
                if (witness != null) {
                    witness.close();
                }
            } finally {
                lab.close();
            }
        }
    }

    private static String status(NodeProcess n) {
        return PairProcesses.admin(n, "/status");
    }

    /** A write of one 4 KiB pattern straight through {@code node}'s portal, past the unit attentions of a new nexus. */
    private static ScsiResult writeThrough(NodeProcess node, long lba, byte[] data) throws IOException {
        try (IscsiConnection c = IscsiConnection.login(node.host(), node.iscsiPort(),
                "iqn.2026-01.net.twinblock.it:partition-probe", node.iqn())) {
            ScsiResult r;
            do {
                r = c.write16(0, lba, data, PairClient.BLOCK, false);
            } while (r.senseKey() == 0x06);
            return r;
        }
    }

    @Test
    void anIsolatedPrimaryStopsAcknowledgingIsReplacedAndRejoinsAsSecondaryWithoutItsUnacknowledgedWrite()
            throws Exception {
        try (Hosts h = new Hosts()) {
            ResyncTest.awaitInSync(h.a, h.b);
            Map<Long, byte[]> acked = new LinkedHashMap<>();
            try (PairClient host = PairClient.login(h.a, "iqn.2026-01.net.twinblock.it:partition-host")) {
                for (long lba = 0; lba < 256; lba += 8) {
                    byte[] d = PairClient.pattern(lba, 1, 4096);
                    host.write(lba, d, false);
                    acked.put(lba, d);
                }
            }

            // b may be promoted only once the witness records it up to date (a says so when in sync).
            await("b up to date at the witness").atMost(WAIT)
                    .until(() -> status(h.a).contains("\"peerState\": \"up_to_date\""));
            h.lab.isolate("a"); // a hears neither b nor the witness; the host still reaches it
            long lostLba = 4096;
            ScsiResult never = writeThrough(h.a, lostLba, PairClient.pattern(lostLba, 9, 4096));
            assertFalse(never.good(), "the cut-off primary acknowledged a write: " + never);
            await("b promoted by the witness").atMost(WAIT).until(() -> "primary".equals(PairProcesses.mirrorRole(h.b)));
            // Never two nodes acknowledging: a still thinks itself primary, but serves nothing.
            assertTrue(status(h.a).contains("\"aluaState\": \"unavailable\""), status(h.a));
            ScsiResult refused = writeThrough(h.a, 8, PairClient.pattern(8, 10, 4096));
            assertEquals(0x02, refused.senseKey(), "NOT READY from the fenced primary: " + refused);
            assertEquals(0x040c, refused.ascq(), "TARGET PORT IN UNAVAILABLE STATE: " + refused);
            try (PairClient host = PairClient.login(h.b, "iqn.2026-01.net.twinblock.it:partition-host")) {
                for (long lba = 256; lba < 512; lba += 8) {
                    byte[] d = PairClient.pattern(lba, 2, 4096);
                    host.write(lba, d, false);
                    acked.put(lba, d);
                }
            }

            h.lab.rejoin("a");
            await("a rejoins as secondary on its own").atMost(WAIT)
                    .until(() -> "secondary".equals(PairProcesses.mirrorRole(h.a)));
            ResyncTest.awaitInSync(h.a, h.b);
            for (NodeProcess n : List.of(h.b, h.a)) {
                try (PairClient check = PairClient.login(n, "iqn.2026-01.net.twinblock.it:partition-check")) {
                    for (var w : acked.entrySet()) {
                        assertArrayEquals(w.getValue(), check.read(w.getKey(), 4096), "LBA " + w.getKey());
                    }
                    assertArrayEquals(new byte[4096], check.read(lostLba, 4096),
                            "the write a never acknowledged is gone from both nodes");
                }
            }
            h.a.close();
            h.b.close();
            assertArrayEquals(Files.readAllBytes(PairProcesses.image(h.a)), Files.readAllBytes(PairProcesses.image(h.b)));
        }
    }

    @Test
    void nodesCutApartLeaveOnlyThePrimaryAcknowledgingAndTheSecondaryOutdatedUntilItCaughtUp() throws Exception {
        try (Hosts h = new Hosts()) {
            ResyncTest.awaitInSync(h.a, h.b);
            h.lab.cutApart("a", "b"); // both still reach the witness
            byte[] d = PairClient.pattern(64, 3, 4096);
            try (PairClient host = PairClient.login(h.a, "iqn.2026-01.net.twinblock.it:partition-host")) {
                host.write(64, d, true); // held until the witness recorded b outdated, then acknowledged
            }
            await("b outdated at the witness").atMost(WAIT).until(() -> status(h.b).contains("peer OUTDATED"));
            await("b stays secondary").during(LEASE.multipliedBy(3)).atMost(LEASE.multipliedBy(3).plus(WAIT))
                    .until(() -> "secondary".equals(PairProcesses.mirrorRole(h.b)));
            ScsiResult standby = writeThrough(h.b, 72, PairClient.pattern(72, 4, 4096));
            assertEquals(0x02, standby.senseKey(), "NOT READY from the cut-off secondary: " + standby);
            assertEquals(0x040b, standby.ascq(), "TARGET PORT IN STANDBY STATE: " + standby);

            h.lab.heal("a", "b");
            ResyncTest.awaitInSync(h.a, h.b);
            await("b up to date at the witness").atMost(WAIT).until(() -> status(h.a).contains("peer UP_TO_DATE"));
            try (PairClient host = PairClient.login(h.b, "iqn.2026-01.net.twinblock.it:partition-check")) {
                assertArrayEquals(d, host.read(64, 4096), "the write made while cut apart reached b by the resync");
            }
        }
    }
}
