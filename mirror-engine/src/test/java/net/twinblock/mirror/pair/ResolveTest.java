package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code resolve --discard NAME} on real nodes: which names it takes, and what it refuses in which state. */
@ExtendWith(LeakGuard.class)
class ResolveTest {

    @TempDir
    Path dir;

    private static PairNode[] pair(PairHarness h, String primaryName, String secondaryName) {
        PairNode secondary = h.start(secondaryConfig().withNodeName(secondaryName), h.volume("b.img"), true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()).withNodeName(primaryName),
                h.volume("a.img"), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> primary.state() == PairState.IN_SYNC
                && secondary.state() == PairState.IN_SYNC);
        return new PairNode[] {primary, secondary};
    }

    @Test
    void eachNodeKnowsBothNamesAndRefusesToDiscardWithoutASplitBrain() {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode[] p = pair(h, "alpha", "beta");
            assertEquals("alpha", p[0].nodeName());
            assertEquals("beta", p[0].peerName());
            assertEquals("alpha", p[1].peerName());
            assertNull(p[0].splitBrain());
            String notSplit = assertThrows(IllegalStateException.class, () -> p[0].resolve("beta")).getMessage();
            assertTrue(notSplit.contains("there is no split brain with beta") && notSplit.contains("in_sync"), notSplit);
            String primaryLoses = assertThrows(IllegalStateException.class, () -> p[1].resolve("alpha")).getMessage();
            assertTrue(primaryLoses.contains("alpha is this node's primary")
                    && primaryLoses.contains("Restart alpha with mirror.role = secondary"), primaryLoses);
            String linked = assertThrows(IllegalStateException.class, () -> p[1].resolve("beta")).getMessage();
            assertTrue(linked.contains("is connected"), linked);
            String onPrimary = assertThrows(IllegalStateException.class, () -> p[0].resolve("alpha")).getMessage();
            assertTrue(onPrimary.contains("mirror.role = secondary"), onPrimary);
        }
    }

    @Test
    void aNameOfNeitherNodeIsAUsageErrorNamingBoth() {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode[] p = pair(h, "alpha", "beta");
            String m = assertThrows(IllegalArgumentException.class, () -> p[0].resolve("gamma")).getMessage();
            assertTrue(m.contains("no node of this pair is named gamma") && m.contains("this node is alpha")
                    && m.contains("its partner is beta") && m.contains("node.name"), m);
        }
    }

    @Test
    void twoNodesOfTheSameNameCannotBeToldApart() {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode[] p = pair(h, "same", "same");
            String m = assertThrows(IllegalArgumentException.class, () -> p[1].resolve("same")).getMessage();
            assertTrue(m.contains("both nodes are named same") && m.contains("set node.name"), m);
        }
    }

    @Test
    void aSecondaryAloneDiscardsItsOwnDataByItsName() {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode alone = h.start(secondaryConfig().withNodeName("beta"), h.volume("b.img"), false);
            String m = assertThrows(IllegalArgumentException.class, () -> alone.resolve("alpha")).getMessage();
            assertTrue(m.contains("has not introduced itself"), m);
            PairNode.Resolution r = alone.resolve("beta");
            assertEquals("beta", r.node());
            assertTrue(r.local());
            assertTrue(r.generations().get(0).isNone(), "its data counts for nothing now");
            assertTrue(alone.metadata().generations().isNone());
        }
    }
}
