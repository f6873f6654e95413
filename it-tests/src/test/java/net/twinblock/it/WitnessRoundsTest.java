package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Twenty failovers in a row under a steady writer, with a witness and no command: each round
 * SIGKILLs the primary (a crash: the page cache survives), the secondary is promoted by the
 * witness, the writer moves to it as multipath does, and the killed node, restarted with its
 * unchanged config, rejoins as secondary and catches up; the roles alternate. ALUA is read from
 * both portals before and after each failover, and the unit attention of the change is
 * asserted. At the end no acknowledged write is lost and both images are identical.
 */
class WitnessRoundsTest {

    /** 12 per build (each about 6.5 s on 2 cores, run alone after the parallel tests): builds add up. */
    private static final int ROUNDS = Integer.getInteger("twinblock.witness.rounds", 12);
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void twentyAlternatingFailoversLoseNothingAndSplitNothing() throws Exception {
        try (WitnessTrio t = new WitnessTrio(LEASE);
             FailoverWriter host = new FailoverWriter(() -> List.of(t.a, t.b), "iqn.2026-01.net.twinblock.it:rounds",
                     WAIT)) {
            ResyncTest.awaitInSync(t.a, t.b);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> writerFailed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (long i = 0; !stop.get(); i++) {
                        long lba = (i % 1024) * 8;
                        host.write(lba, PairClient.pattern(lba, i, 4096));
                    }
                } catch (Throwable e) {
                    writerFailed.set(e);
                }
            }, "rounds-writer");
            writer.start();
            List<Long> gaps = new ArrayList<>();
            int transitioning = 0;
            try {
                for (int round = 0; round < ROUNDS && writerFailed.get() == null; round++) {
                    boolean aIsPrimary = round % 2 == 0;
                    NodeProcess primary = aIsPrimary ? t.a : t.b;
                    NodeProcess secondary = aIsPrimary ? t.b : t.a;
                    int primaryGroup = aIsPrimary ? 1 : 2;
                    int secondaryGroup = 3 - primaryGroup;
                    assertEquals("primary", PairProcesses.mirrorRole(primary), "round " + round);
                    // In sync is not enough: only a secondary the witness records up to date may be
                    // promoted, and the primary tells it so at its next renewal.
                    await("round " + round + ": the witness records the secondary up to date").atMost(WAIT)
                            .until(() -> PairProcesses.admin(primary, "/status")
                                    .contains("\"peerState\": \"up_to_date\""));
                    try (PairClient observer = PairClient.login(secondary, "iqn.2026-01.net.twinblock.it:observer")) {
                        try (PairClient viaPrimary = PairClient.login(primary, "iqn.2026-01.net.twinblock.it:observer")) {
                            assertEquals(Alua.ACTIVE_OPTIMIZED, Alua.state(viaPrimary.connection(), primaryGroup));
                        }
                        assertEquals(Alua.ACTIVE_NON_OPTIMIZED, Alua.state(observer.connection(), secondaryGroup));

                        host.resetGap();
                        PairProcesses.kill(primary);
                        // Until the witness promotes it (about a lease), hosts are told to wait, not fail over.
                        String during = PairProcesses.admin(secondary, "/status");
                        if (during.contains("\"aluaState\": \"transitioning\"")) {
                            transitioning++;
                        }
                        await("round " + round + ": the secondary promoted with no command").atMost(WAIT)
                                .until(() -> "primary".equals(PairProcesses.mirrorRole(secondary)));
                        assertTrue(Alua.sawAccessStateChange(observer.connection(), WAIT),
                                "round " + round + ": ASYMMETRIC ACCESS STATE CHANGED on the surviving node's session");
                        assertEquals(Alua.ACTIVE_OPTIMIZED, Alua.state(observer.connection(), secondaryGroup));
                    }
                    NodeProcess restarted = t.node(aIsPrimary ? "a" : "b", aIsPrimary ? "primary" : "secondary");
                    if (aIsPrimary) {
                        t.a = restarted;
                    } else {
                        t.b = restarted;
                    }
                    ResyncTest.awaitInSync(t.a, t.b);
                    gaps.add(host.worstGap().toMillis());
                    try (PairClient viaRestarted = PairClient.login(restarted, "iqn.2026-01.net.twinblock.it:observer")) {
                        assertEquals(Alua.ACTIVE_NON_OPTIMIZED, Alua.state(viaRestarted.connection(), primaryGroup),
                                "round " + round + ": the restarted node rejoined as secondary");
                    }
                    for (NodeProcess n : List.of(t.a, t.b)) {
                        String status = PairProcesses.admin(n, "/status");
                        assertFalse(status.contains("\"state\": \"split_brain\"") || status.contains("\"splitBrain\": true"),
                                "round " + round + ": " + status);
                    }
                }
            } finally {
                stop.set(true);
                writer.join(WAIT.toMillis());
            }
            if (writerFailed.get() != null) {
                throw new AssertionError("the writer failed", writerFailed.get());
            }
            assertEquals(ROUNDS, gaps.size());
            // Read once right after each kill, a lease before the promotion: racy one by one, not in 20.
            assertTrue(transitioning >= ROUNDS / 2, "the surviving secondary reported ALUA transitioning right after"
                    + " the kill in only " + transitioning + " of " + ROUNDS + " rounds");
            List<Long> sorted = gaps.stream().sorted().toList();
            System.out.println("20 failovers with a witness (lease " + LEASE.toMillis() + " ms, heartbeat 500 ms):"
                    + " longest time without a completed write per round " + gaps + " ms; median "
                    + sorted.get(ROUNDS / 2) + " ms, worst " + sorted.get(ROUNDS - 1) + " ms; "
                    + host.acked.size() + " LBAs written, " + host.switches() + " path switches; transitioning seen in "
                    + transitioning + " rounds");
            // No person in the loop: a stall of a whole suspend timeout would mean one was needed.
            assertTrue(sorted.get(ROUNDS - 1) < WAIT.toMillis(), "worst stall " + sorted.get(ROUNDS - 1) + " ms");

            ResyncTest.awaitInSync(t.a, t.b);
            for (NodeProcess n : List.of(t.a, t.b)) {
                try (PairClient check = PairClient.login(n, "iqn.2026-01.net.twinblock.it:rounds-check")) {
                    for (var w : host.acked.entrySet()) {
                        assertArrayEquals(w.getValue(), check.read(w.getKey(), 4096), "LBA " + w.getKey());
                    }
                }
            }
            host.close();
            t.a.close();
            t.b.close();
            assertArrayEquals(Files.readAllBytes(PairProcesses.image(t.a)), Files.readAllBytes(PairProcesses.image(t.b)),
                    "both images identical after 20 failovers");
        }
    }
}
