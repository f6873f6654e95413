package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.twinblock.it.JarWitnessClient.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The witness as an administrator runs it ({@code target-server.jar witness}), used through the
 * client the nodes will use ({@link JarWitnessClient}), SIGKILLed and restarted: what it granted is
 * still there, and every lease counts as held again after the restart.
 */
class WitnessProcessTest {

    private static final String KEY = "dGhlIHBhaXIncyBrZXksIGJhc2U2NCEhIQ==";
    private static final String OTHER_KEY = "YW5vdGhlciBwYWlyJ3Mga2V5LCBiYXNlNjQ=";
    private static final String PAIR = NodeProcess.DEFAULT_IQN;
    private static final Duration LEASE = Duration.ofSeconds(2);

    private WitnessProcess witness;
    private JarWitnessClient a;
    private JarWitnessClient b;

    @BeforeEach
    void start() {
        witness = WitnessProcess.start(List.of(KEY, OTHER_KEY), LEASE);
        a = new JarWitnessClient(witness.port(), KEY);
        b = new JarWitnessClient(witness.port(), KEY);
    }

    @AfterEach
    void stop() {
        try {
            a.close();
            b.close();
        } finally {
            witness.close();
        }
    }

    private static void connected(JarWitnessClient... clients) {
        await("clients connected to the witness").atMost(Duration.ofSeconds(30))
                .until(() -> List.of(clients).stream().allMatch(JarWitnessClient::connected));
    }

    @Test
    void grantsSurviveASigkillAndLeasesAreHeldAfterTheRestart() throws Exception {
        connected(a, b);
        assertTrue(a.call("renewLease", PAIR, "alpha", 7L).granted());
        assertTrue(a.call("markPeerUpToDate", PAIR, "alpha", 7L).granted());

        witness.kill();
        await("clients see the witness gone").atMost(Duration.ofSeconds(30)).until(() -> !a.connected() && !b.connected());
        JarWitnessClient.Failed down = assertThrows(JarWitnessClient.Failed.class,
                () -> b.call("requestPromotion", PAIR, "beta", 7L));
        assertEquals("WitnessUnavailableException", down.type, down.getMessage());
        long restarted = System.nanoTime(); // before the new witness exists, so before its clock starts the hold
        witness.restart();
        connected(a, b);

        Answer known = b.call("query", PAIR);
        assertEquals(new Answer("GRANTED", 7, "alpha", "UP_TO_DATE", known.leaseRemainingNanos()), known);
        await("beta promoted once the held lease ran out").atMost(Duration.ofSeconds(30))
                .until(() -> b.call("requestPromotion", PAIR, "beta", 7L).granted());
        // A lower bound the protocol guarantees, not a timing guess: the witness holds every lease for
        // a full period from its own start, which came after `restarted`.
        assertTrue(System.nanoTime() - restarted >= LEASE.toNanos(), "promoted before the restarted witness's hold ran out");

        witness.kill();
        witness.restart();
        connected(a, b);
        Answer after = a.call("query", PAIR);
        assertEquals("beta", after.primary());
        assertEquals(8, after.epoch());
        assertEquals("OUTDATED", after.peerState());
        assertEquals("NOT_PRIMARY", a.call("renewLease", PAIR, "alpha", 7L).verdict());
        assertEquals("OUTDATED", a.call("requestPromotion", PAIR, "alpha", 8L).verdict());

        try (JarWitnessClient other = new JarWitnessClient(witness.port(), OTHER_KEY)) {
            connected(other);
            Answer foreign = other.call("query", PAIR);
            assertEquals("OTHER_KEY", foreign.verdict());
            assertNull(foreign.primary());
        }
        assertEquals(0, witness.stop(), "SIGTERM stops the witness cleanly");
        assertTrue(witness.logText().contains("witness stopped"), witness.logText());
        assertFalse(witness.isAlive());
    }
}
