package net.twinblock.mirror.resync;

import static net.twinblock.mirror.resync.GenerationHistory.NONE;
import static net.twinblock.mirror.resync.GenerationHistory.Verdict.BOTH_NEW;
import static net.twinblock.mirror.resync.GenerationHistory.Verdict.IN_SYNC;
import static net.twinblock.mirror.resync.GenerationHistory.Verdict.LOCAL_NEWER_BITMAP;
import static net.twinblock.mirror.resync.GenerationHistory.Verdict.LOCAL_NEWER_FULL;
import static net.twinblock.mirror.resync.GenerationHistory.Verdict.PEER_NEWER_BITMAP;
import static net.twinblock.mirror.resync.GenerationHistory.Verdict.PEER_NEWER_FULL;
import static net.twinblock.mirror.resync.GenerationHistory.Verdict.SPLIT_BRAIN;
import static net.twinblock.mirror.resync.GenerationHistory.Verdict.UNRELATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.stream.Stream;
import net.twinblock.mirror.resync.GenerationHistory.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GenerationHistoryTest {

    private static final UUID A = new UUID(0, 0xA);
    private static final UUID B = new UUID(0, 0xB);
    private static final UUID C = new UUID(0, 0xC);
    private static final UUID D = new UUID(0, 0xD);
    private static final UUID E = new UUID(0, 0xE);

    private static GenerationHistory h(UUID current, UUID bitmap, UUID h0, UUID h1, boolean inMemory) {
        return GenerationHistory.of(current, bitmap, h0, h1, inMemory);
    }

    private static GenerationHistory h(UUID current) {
        return h(current, NONE, NONE, NONE, false);
    }

    /** local, peer, verdict seen from local. Each row is also checked from the peer's side. */
    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("new pair", GenerationHistory.none(), GenerationHistory.none(), BOTH_NEW),
                Arguments.of("same generation", h(A), h(A), IN_SYNC),
                Arguments.of("outage began, nothing written yet", h(A, A, NONE, NONE, true), h(A), IN_SYNC),
                Arguments.of("both began tracking, nobody wrote", h(A, A, NONE, NONE, true),
                        h(A, A, NONE, NONE, true), IN_SYNC),
                Arguments.of("peer holds no data", h(A), GenerationHistory.none(), LOCAL_NEWER_FULL),
                Arguments.of("primary wrote during the outage", h(B, A, NONE, NONE, true), h(A), LOCAL_NEWER_BITMAP),
                Arguments.of("the same after the primary restarted: bitmap lost", h(B, A, NONE, NONE, false), h(A),
                        LOCAL_NEWER_FULL),
                Arguments.of("the secondary also began tracking when the link fell", h(B, A, NONE, NONE, true),
                        h(A, A, NONE, NONE, true), LOCAL_NEWER_BITMAP),
                Arguments.of("peer missed two outages", h(C, NONE, B, A, false), h(A), LOCAL_NEWER_FULL),
                Arguments.of("peer missed an outage and a half", h(C, B, A, NONE, true), h(A), LOCAL_NEWER_FULL),
                Arguments.of("promoted while the peer was away", h(A), h(B, A, NONE, NONE, true), PEER_NEWER_BITMAP),
                Arguments.of("both wrote since the same generation", h(B, A, NONE, NONE, true),
                        h(C, A, NONE, NONE, true), SPLIT_BRAIN),
                Arguments.of("both wrote since an older common generation", h(C, B, A, NONE, true),
                        h(D, E, A, NONE, true), SPLIT_BRAIN),
                Arguments.of("one side's baseline is in the other's history", h(C, NONE, B, A, false),
                        h(D, A, NONE, NONE, true), SPLIT_BRAIN),
                Arguments.of("nothing in common", h(A), h(B), UNRELATED),
                Arguments.of("nothing in common, with histories", h(C, B, A, NONE, false),
                        h(D, E, NONE, NONE, false), UNRELATED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void verdicts(String scenario, GenerationHistory local, GenerationHistory peer, Verdict expected) {
        assertEquals(expected, GenerationHistory.compare(local, peer), scenario);
        assertEquals(mirror(expected), GenerationHistory.compare(peer, local), scenario + ", seen from the peer");
    }

    private static Verdict mirror(Verdict v) {
        return switch (v) {
            case LOCAL_NEWER_BITMAP -> PEER_NEWER_BITMAP;
            case LOCAL_NEWER_FULL -> PEER_NEWER_FULL;
            case PEER_NEWER_BITMAP -> LOCAL_NEWER_BITMAP;
            case PEER_NEWER_FULL -> LOCAL_NEWER_FULL;
            default -> v;
        };
    }

    @Test
    void primaryWritesDuringAnOutageThenResyncsFromItsBitmap() {
        GenerationHistory primary = GenerationHistory.none().firstGeneration();
        GenerationHistory secondary = GenerationHistory.none().adopt(primary);
        assertEquals(IN_SYNC, GenerationHistory.compare(primary, secondary));

        primary = primary.startOutage();  // link lost
        assertTrue(primary.bitmapInMemory());
        primary = primary.newCurrent();   // first write the secondary will not see
        assertEquals(LOCAL_NEWER_BITMAP, GenerationHistory.compare(primary, secondary));
        assertEquals(PEER_NEWER_BITMAP, GenerationHistory.compare(secondary, primary));

        primary = primary.endResync();    // bitmap copied
        secondary = secondary.adopt(primary);
        assertEquals(IN_SYNC, GenerationHistory.compare(primary, secondary));
        assertEquals(NONE, primary.bitmap());

        // A second outage works the same way, and a secondary that missed both is still recognised.
        GenerationHistory stale = secondary;
        primary = primary.startOutage().newCurrent().endResync().startOutage().newCurrent();
        assertEquals(LOCAL_NEWER_FULL, GenerationHistory.compare(primary, stale),
                "a secondary two outages behind is an older copy, but no bitmap covers it");
    }

    @Test
    void aSecondOutageBeforeTheResyncEndedKeepsTheOlderBaseline() {
        GenerationHistory secondary = h(A);
        GenerationHistory primary = h(A).startOutage().newCurrent(B);
        primary = primary.startOutage().newCurrent(C); // resync interrupted by another outage, more writes
        assertEquals(A, primary.bitmap());
        assertEquals(LOCAL_NEWER_BITMAP, GenerationHistory.compare(primary, secondary));
    }

    @Test
    void secondaryPromotedWhilePrimaryDeadThenOldPrimaryReturns() {
        GenerationHistory oldPrimary = h(A);
        GenerationHistory promoted = h(A).newCurrent(B); // admin promotes; peer unreachable
        assertEquals(A, promoted.bitmap());
        assertEquals(PEER_NEWER_BITMAP, GenerationHistory.compare(oldPrimary, promoted),
                "the old primary becomes secondary and takes the new primary's bitmap");
        promoted = promoted.endResync();
        oldPrimary = oldPrimary.adopt(promoted);
        assertEquals(IN_SYNC, GenerationHistory.compare(oldPrimary, promoted));
    }

    @Test
    void aFencedPrimaryThatAcknowledgedNothingAloneIsBehindThePromotedNodeNotInSplitBrain() {
        GenerationHistory fenced = h(A).startOutage().newCurrent(B); // held writes that failed, or landed only here
        GenerationHistory promoted = h(A).newCurrent(C);             // the witness promoted the other node
        assertEquals(SPLIT_BRAIN, GenerationHistory.compare(promoted, fenced), "as it stands, both took writes");
        GenerationHistory rejoining = fenced.dropUnacknowledged();
        assertEquals(A, rejoining.current());
        assertEquals(LOCAL_NEWER_BITMAP, GenerationHistory.compare(promoted, rejoining),
                "the promoted node resyncs it from its bitmap (plus the fenced node's record extents)");
        assertEquals(h(A), h(A).dropUnacknowledged(), "a node that took no writes of its own is unchanged");
    }

    @Test
    void bothPromotedIsRefusedUntilOneSideIsDiscarded() {
        GenerationHistory left = h(A).newCurrent(B);
        GenerationHistory right = h(A).newCurrent(C);
        Verdict v = GenerationHistory.compare(left, right);
        assertEquals(SPLIT_BRAIN, v);
        assertTrue(v.refusesConnection());
        String message = GenerationHistory.refusal(v, left, right);
        assertTrue(message.contains("split brain"), message);
        assertTrue(message.contains(B.toString()) && message.contains(C.toString()), message);

        GenerationHistory loser = right.discard(left);
        assertEquals(PEER_NEWER_FULL, GenerationHistory.compare(loser, left));
        assertEquals(LOCAL_NEWER_FULL, GenerationHistory.compare(left, loser));
        assertFalse(GenerationHistory.compare(left, loser).refusesConnection());
        left = left.endResync();
        loser = loser.adopt(left);
        assertEquals(IN_SYNC, GenerationHistory.compare(loser, left));
    }

    @Test
    void aNewPairStartsWithAFullResyncFromThePrimary() {
        GenerationHistory primary = GenerationHistory.none();
        GenerationHistory secondary = GenerationHistory.none();
        assertEquals(BOTH_NEW, GenerationHistory.compare(primary, secondary));
        primary = primary.firstGeneration();
        assertEquals(LOCAL_NEWER_FULL, GenerationHistory.compare(primary, secondary));
        secondary = secondary.adopt(primary.endResync());
        assertEquals(IN_SYNC, GenerationHistory.compare(primary, secondary));
        GenerationHistory started = primary;
        assertThrows(IllegalStateException.class, started::firstGeneration);
    }

    @Test
    void encodingRoundTripsAndRejectsGarbage() {
        GenerationHistory x = h(C, B, A, D, true);
        assertEquals(x, GenerationHistory.decode(x.encode()));
        assertThrows(IllegalArgumentException.class, () -> GenerationHistory.decode(new byte[10]));
        byte[] bad = x.encode();
        bad[bad.length - 1] = 7;
        assertThrows(IllegalArgumentException.class, () -> GenerationHistory.decode(bad));
    }
}
