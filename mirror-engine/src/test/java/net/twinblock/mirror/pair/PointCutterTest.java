package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.link.PointManifest;
import org.junit.jupiter.api.Test;

/**
 * One point in flight: cuts asked for before the last point is answered coalesce into one cut at
 * its answer, which then names everything written meanwhile.
 */
class PointCutterTest {

    private final PointCutter cutter = new PointCutter(4096, 64L << 20);

    private static int number(List<PeerMessage> frames) {
        return ((PointManifest) frames.get(0)).point();
    }

    private static int references(List<PeerMessage> frames) {
        return frames.stream().mapToInt(f -> ((PointManifest) f).references().size()).sum();
    }

    @Test
    void cutsAskedForWhileAPointIsInFlightAreOwedUntilItsAnswer() {
        cutter.sent(1, 0, 4096);
        List<PeerMessage> first = cutter.cut();
        assertEquals(1, number(first));

        cutter.sent(2, 8192, 4096);
        assertTrue(cutter.cut().isEmpty(), "point 1 is in flight");
        cutter.sent(3, 65536, 4096);
        assertTrue(cutter.cut().isEmpty(), "still in flight: the cuts coalesce");
        assertTrue(cutter.owed());

        assertFalse(cutter.acked(7), "an answer to no point in flight changes nothing");
        assertTrue(cutter.acked(1), "the answer makes the owed cut due");
        List<PeerMessage> second = cutter.cut();
        assertEquals(2, number(second));
        assertEquals(2, references(second), "one point names both writes made while point 1 was in flight");
        assertFalse(cutter.owed());
        assertEquals(2, cutter.points.sum());
    }

    @Test
    void anAnswerWithNothingOwedCutsNothingAndAnEmptyCutLeavesNothingInFlight() {
        cutter.sent(1, 0, 4096);
        cutter.cut();
        assertFalse(cutter.acked(1), "nothing was asked for meanwhile");
        assertTrue(cutter.cut().isEmpty(), "nothing changed since point 1");
        cutter.sent(2, 0, 4096);
        assertEquals(2, number(cutter.cut()), "an empty cut left no point in flight");
    }

    @Test
    void aNewLinkOwesTheCutThePointLostWithTheOldOneHeldBack() {
        cutter.sent(1, 0, 4096);
        cutter.cut();
        cutter.relinked();
        assertTrue(cutter.owed(), "point 1 will not be answered on the new link");
        cutter.sent(2, 4096, 4096);
        assertEquals(2, number(cutter.cut()));
        assertFalse(cutter.acked(1), "a late answer to the lost point is not the one in flight");
    }

    @Test
    void aFlushsPointWaitsForTheSpacingSinceTheLastCut() {
        long[] now = {1_000_000_000L};
        PointCutter spaced = new PointCutter(4096, 64L << 20, 10_000_000L, () -> now[0]);
        assertEquals(0, spaced.untilDue(), "the first point is due at once");
        spaced.sent(1, 0, 4096);
        spaced.cut();
        spaced.acked(1);
        now[0] += 4_000_000L;
        assertEquals(6_000_000L, spaced.untilDue(), "10 ms after the last cut, not after its answer");
        spaced.owe();
        assertTrue(spaced.owed());
        now[0] += 6_000_000L;
        assertEquals(0, spaced.untilDue());
        spaced.sent(2, 4096, 4096);
        assertEquals(2, number(spaced.cut()));
        assertFalse(spaced.owed(), "the cut pays what was owed");
        assertEquals(10_000_000L, spaced.untilDue(), "the spacing counts again from this cut");
    }
}
