package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.Hello;
import net.twinblock.mirror.link.HelloAck;
import net.twinblock.mirror.link.HelloDone;
import net.twinblock.mirror.link.HelloIdentity;
import net.twinblock.mirror.link.HelloProof;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerError;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An administrator's order, kept by the survivor of a split brain, that its partner discard its
 * data: carried in HELLO_DONE by the primary, obeyed by the secondary only for exactly its own
 * name and generations in a split brain, and used by one handshake.
 */
@ExtendWith(LeakGuard.class)
class DiscardOrderTest {

    private static final PeerAuth AUTH = new PeerAuth(PairHarness.SECRET);
    private static final int FLAGS = PeerIdentity.FLAG_PAIRED;
    private static final GenerationHistory COMMON = GenerationHistory.none().firstGeneration();
    /** Both took writes while apart: a split brain. */
    private static final GenerationHistory SURVIVOR = COMMON.newCurrent();
    private static final GenerationHistory LOSER = COMMON.newCurrent();

    private final LogCapture log = new LogCapture();

    @AfterEach
    void closeLog() {
        log.close();
    }

    private static PeerIdentity id(String name) {
        return new PeerIdentity(name, "pair-1", 1 << 20, 512, 2, FLAGS);
    }

    /** Passes messages between the two ends until neither has anything more to say. */
    private static void converse(EmbeddedChannel primary, EmbeddedChannel secondary) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Object m; (m = primary.readOutbound()) != null; moved = true) {
                secondary.writeInbound(m);
            }
            for (Object m; (m = secondary.readOutbound()) != null; moved = true) {
                primary.writeInbound(m);
            }
        }
    }

    private static EmbeddedChannel primary(RecordingSide side) {
        return new EmbeddedChannel(new PrimaryHandshake(AUTH, () -> id("a"), side));
    }

    private static EmbeddedChannel secondary(RecordingSide side) {
        return new EmbeddedChannel(OneVolume.handshake(AUTH, () -> id("b"), side, () -> false));
    }

    @Test
    void theLoserObeysTheSurvivorsOrderAndTheLinkComesUp() {
        RecordingSide survivor = new RecordingSide(SURVIVOR);
        RecordingSide loser = new RecordingSide(LOSER);
        survivor.splitBrain.order(new DiscardOrder("b", LOSER.withoutBitmapInMemory()));
        EmbeddedChannel p = primary(survivor);
        EmbeddedChannel s = secondary(loser);
        converse(p, s);
        assertEquals(SURVIVOR, loser.discardedFor, "the secondary dropped its data for the primary's");
        assertTrue(loser.generations.isNone());
        assertEquals(List.of(id("a")), loser.linked);
        assertEquals(List.of(id("b")), survivor.linked);
        assertTrue(p.isOpen() && s.isOpen());
        assertTrue(log.contains("ordering b to discard its data"), log.lines.toString());

        // One handshake uses the order: the same state again is refused as a split brain.
        RecordingSide again = new RecordingSide(LOSER);
        EmbeddedChannel p2 = primary(survivor);
        converse(p2, secondary(again));
        assertNull(again.discardedFor);
        assertTrue(survivor.refusals.get(0).startsWith("LUN 0: split brain"), survivor.refusals.toString());
        p.finishAndReleaseAll();
        s.finishAndReleaseAll();
    }

    @Test
    void withoutAnOrderTheSplitBrainIsRefusedNamingBothNodesAndTheCommand() {
        RecordingSide survivor = new RecordingSide(SURVIVOR);
        RecordingSide loser = new RecordingSide(LOSER);
        EmbeddedChannel p = primary(survivor);
        EmbeddedChannel s = secondary(loser);
        converse(p, s);
        assertNull(loser.discardedFor);
        assertTrue(survivor.linked.isEmpty() && loser.linked.isEmpty());
        String reason = survivor.refusals.get(0);
        assertTrue(reason.contains("resolve --discard NAME") && reason.contains("(a or b)"), reason);
        assertEquals(List.of(reason), loser.refusals, "the secondary hears the same reason");
        assertFalse(p.isOpen());
        p.finishAndReleaseAll();
        s.finishAndReleaseAll();
    }

    @Test
    void anOrderForAnotherStateOfThePeerIsDroppedAndTheLinkRefused() {
        RecordingSide survivor = new RecordingSide(SURVIVOR);
        GenerationHistory wroteAgain = LOSER.newCurrent().newCurrent();
        RecordingSide loser = new RecordingSide(wroteAgain);
        survivor.splitBrain.order(new DiscardOrder("b", LOSER));
        converse(primary(survivor), secondary(loser));
        assertNull(loser.discardedFor);
        assertTrue(survivor.linked.isEmpty());
        assertTrue(log.contains("does not fit it any more"), log.lines.toString());
    }

    @Test
    void anOrderForAnotherNodeIsKept() {
        SplitBrain sb = new SplitBrain();
        sb.order(new DiscardOrder("c", LOSER));
        assertNull(sb.takeOrder("b", LOSER.encode(), SURVIVOR));
        assertNotNull(sb.takeOrder("c", LOSER.encode(), SURVIVOR));
        assertNull(sb.takeOrder("c", LOSER.encode(), SURVIVOR), "used once");
    }


    /**
     * Acts as a primary of generations {@code primary} by hand: HELLO, then HELLO_PROOF with an
     * order proven for node b at {@code ordered}; returns the secondary's refusal.
     */
    private static PeerError order(EmbeddedChannel s, GenerationHistory primary, GenerationHistory ordered) {
        return order(s, id("a"), primary, ordered);
    }

    private static PeerError order(EmbeddedChannel s, PeerIdentity from, GenerationHistory primary,
            GenerationHistory ordered) {
        byte[] nonce = PeerAuth.newNonce();
        s.writeInbound(new Hello(Handshake.VERSION, nonce));
        HelloAck ack = assertInstanceOf(HelloAck.class, s.readOutbound());
        s.writeInbound(new HelloProof(AUTH.proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce()), from, primary.encode()));
        Object next = s.readOutbound();
        if (next instanceof PeerError refused) {
            return refused; // refused at the proof (a LUN it does not mirror)
        }
        assertInstanceOf(HelloIdentity.class, next);
        s.writeInbound(new HelloDone(AUTH.statementProof(nonce, ack.nonce(), DiscardOrder.statement("b", ordered, primary))));
        return assertInstanceOf(PeerError.class, s.readOutbound());
    }

    @Test
    void theSecondaryRefusesAnOrderMadeForAnotherStateOfIt() {
        RecordingSide loser = new RecordingSide(LOSER);
        EmbeddedChannel s = secondary(loser);
        PeerError e = order(s, SURVIVOR, COMMON);
        assertEquals(PeerErrorCode.GENERATION_CONFLICT, e.code());
        assertTrue(e.message().contains("given for another node or another state"), e.message());
        assertNull(loser.discardedFor);
        assertTrue(loser.linked.isEmpty());
        assertFalse(s.isOpen());
        s.finishAndReleaseAll();
    }

    @Test
    void theSecondaryRefusesAnOrderOutsideASplitBrain() {
        RecordingSide behind = new RecordingSide(COMMON);
        EmbeddedChannel s = secondary(behind);
        PeerError e = order(s, SURVIVOR, COMMON);
        assertTrue(e.message().contains("not in split brain"), e.message());
        assertNull(behind.discardedFor);
        assertArrayEquals(COMMON.encode(), behind.generations());
        s.finishAndReleaseAll();
    }

    @Test
    void thePrimaryOfAnotherVolumeCannotOrderADiscard() {
        RecordingSide loser = new RecordingSide(LOSER);
        EmbeddedChannel s = secondary(loser);
        PeerError e = order(s, new PeerIdentity("a", "pair-2", 1 << 20, 512, 2, FLAGS), SURVIVOR, LOSER);
        assertEquals(PeerErrorCode.VOLUME_MISMATCH, e.code());
        assertNull(loser.discardedFor);
        assertEquals(LOSER, loser.generations);
        s.finishAndReleaseAll();
    }

    @Test
    void anOrderIsBoundToTheNodesNameAndGenerationsButNotToAnInMemoryBitmap() {
        DiscardOrder o = new DiscardOrder("b", LOSER);
        assertTrue(o.matches("b", LOSER.withoutBitmapInMemory()), "a restart keeps the order valid");
        assertFalse(o.matches("c", LOSER));
        assertFalse(o.matches("b", LOSER.newCurrent()));
        assertArrayEquals(DiscardOrder.statement("b", LOSER, SURVIVOR),
                DiscardOrder.statement("b", LOSER.withoutBitmapInMemory(), SURVIVOR));
        assertFalse(java.util.Arrays.equals(DiscardOrder.statement("b", LOSER, SURVIVOR),
                DiscardOrder.statement("b", SURVIVOR, LOSER)));
    }
}
