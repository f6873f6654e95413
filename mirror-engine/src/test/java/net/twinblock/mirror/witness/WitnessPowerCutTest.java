package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessHarness.KEY_1;
import static net.twinblock.mirror.witness.WitnessHarness.get;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.SelectedFiles;
import net.twinblock.mirror.store.VolatileFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The witness's state files under the power-cut fixture: what the witness granted survives losing
 * power, and what it could not make durable it did not grant.
 */
@ExtendWith(LeakGuard.class)
class WitnessPowerCutTest {

    private static final String PAIR = "pair";

    @TempDir
    Path dir;

    private SelectedFiles selected;
    private VolatileFiles files;
    private WitnessHarness h;
    private WitnessClient a;
    private WitnessClient b;

    @BeforeEach
    void start() throws Exception {
        selected = SelectedFiles.volatileFiles();
        files = selected.files();
        h = new WitnessHarness(dir);
        a = h.client(KEY_1);
        b = h.client(KEY_1);
        assertTrue(get(a.renewLease(PAIR, "a", 1)).granted());
        assertTrue(get(a.markPeerUpToDate(PAIR, "a", 1)).granted());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            h.close();
        } finally {
            selected.close();
        }
    }

    /** Power off under the witness's directory, the process gone, power back, the witness started again. */
    private void powerCycle() throws Exception {
        files.powerOff(dir, new Random(16));
        h.stop();
        files.powerOn(dir);
        h.start();
        await("clients back").atMost(Duration.ofSeconds(10)).until(() -> a.connected() && b.connected());
    }

    @Test
    void aGrantedPromotionSurvivesAPowerCut() throws Exception {
        await("b promoted").atMost(Duration.ofSeconds(20)).until(() -> get(b.requestPromotion(PAIR, "b", 1)).granted());
        powerCycle();
        WitnessAnswer after = get(a.query(PAIR));
        assertEquals("b", after.primary());
        assertEquals(2, after.epoch());
        assertEquals(PeerState.OUTDATED, after.peerState());
        assertEquals(Verdict.NOT_PRIMARY, get(a.renewLease(PAIR, "a", 1)).verdict());
    }

    @Test
    void whatCannotBeMadeDurableIsNotGranted() throws Exception {
        files.powerOff(dir, new Random(16));
        WitnessAnswer r = get(a.outdatePeer(PAIR, "a", 1));
        assertEquals(Verdict.NOT_DURABLE, r.verdict());
        assertEquals(PeerState.UP_TO_DATE, r.peerState(), "nothing changed");
        await("a's lease expired").atMost(Duration.ofSeconds(20)).until(() -> get(b.query(PAIR)).leaseRemainingNanos() == 0);
        WitnessAnswer promotion = get(b.requestPromotion(PAIR, "b", 1));
        assertEquals(Verdict.NOT_DURABLE, promotion.verdict());
        assertEquals("a", promotion.primary());
        assertNull(promotion.lease());
        powerCycle();
        WitnessAnswer after = get(a.query(PAIR));
        assertEquals("a", after.primary());
        assertEquals(1, after.epoch());
        assertEquals(PeerState.UP_TO_DATE, after.peerState());
    }
}
