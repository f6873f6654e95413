package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * The CmdSN window against a model of RFC 7143 §4.2.2.1 with serial number arithmetic: whatever
 * order and numbers a host sends, and however many delivered commands are still unanswered,
 * nothing outside [ExpCmdSN, MaxCmdSN] or already received is admitted, and commands run exactly
 * once each, in CmdSN order, also across the 2^32 wrap.
 */
class CommandWindowPropertyTest {

    /** One step of a host: a PDU at {@code distance} from ExpCmdSN, with {@code busy} commands unanswered. */
    record Step(int distance, int busy) {
    }

    @Property(tries = 200)
    void admitsOnlyTheWindowAndDeliversEachCmdSnOnceInOrder(@ForAll("startNumbers") int start,
            @ForAll @IntRange(min = 1, max = 32) int size, @ForAll("steps") @Size(max = 200) List<Step> steps) {
        int[] busy = {0};
        CommandWindow window = new CommandWindow(start, size, () -> busy[0]);
        List<Integer> delivered = new ArrayList<>();
        List<Integer> discarded = new ArrayList<>();
        Set<Integer> held = new HashSet<>();
        int exp = start;
        for (Step step : steps) {
            busy[0] = Math.min(step.busy(), size);
            int cmdSn = exp + step.distance(); // int arithmetic wraps like the serial numbers do
            long free = size - busy[0];
            long ahead = Integer.toUnsignedLong(cmdSn - exp);
            boolean admissible = ahead < free && !held.contains(cmdSn);
            assertEquals(exp + size - 1 - busy[0], window.maxCmdSn(), "MaxCmdSN");
            assertEquals(admissible, window.accepts(cmdSn), "accepts " + Integer.toUnsignedString(cmdSn)
                    + " with ExpCmdSN " + Integer.toUnsignedString(exp) + ", " + free + " free");
            boolean taken = window.offer(cmdSn, new CommandWindow.Delivery() {
                @Override
                public void deliver() {
                    delivered.add(cmdSn);
                }

                @Override
                public void discard() {
                    discarded.add(cmdSn);
                }
            });
            assertEquals(admissible, taken);
            if (taken) {
                held.add(cmdSn);
                while (held.remove(exp)) {
                    exp++;
                }
            }
            assertEquals(exp, window.expCmdSn());
            assertEquals(held.size(), window.heldCount());
            assertTrue(held.size() <= size, "the window holds at most its size");
        }
        for (int i = 0; i < delivered.size(); i++) {
            assertEquals(start + i, delivered.get(i), "delivery " + i + " is the next CmdSN, exactly once");
        }
        assertEquals(List.of(), discarded, "nothing is discarded while the session lives");
        window.discardHeld();
        assertEquals(held, new HashSet<>(discarded), "the session's end discards exactly what waits for a gap");
        assertEquals(0, window.heldCount());
    }

    /** Any number, and often one just before the unsigned or the signed wrap. */
    @Provide
    Arbitrary<Integer> startNumbers() {
        return Arbitraries.oneOf(Arbitraries.integers(),
                Arbitraries.integers().between(-40, 0),
                Arbitraries.integers().between(Integer.MAX_VALUE - 40, Integer.MAX_VALUE));
    }

    /** Mostly near the window, sometimes anywhere in the number circle (half of it lies "behind"). */
    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> distance = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(-4, 36)),
                Tuple.of(1, Arbitraries.integers()),
                Tuple.of(1, Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, -1)));
        Arbitrary<Integer> busy = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(0, 33)));
        return Combinators.combine(distance, busy).as(Step::new).list();
    }
}
