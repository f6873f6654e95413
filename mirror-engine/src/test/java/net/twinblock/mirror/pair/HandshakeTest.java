package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.HelloAck;
import net.twinblock.mirror.link.Hello;
import net.twinblock.mirror.link.HelloProof;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerError;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The secondary's half of the handshake on its own: what it accepts, and the one log line when it refuses. */
@ExtendWith(LeakGuard.class)
class HandshakeTest {

    private static final PeerAuth AUTH = new PeerAuth(PairHarness.SECRET);
    private static final PeerIdentity SECONDARY = new PeerIdentity("b", "pair-1", 1 << 20, 512, 2,
            PeerIdentity.FLAG_PAIRED | PeerIdentity.FLAG_CLEAN);
    private static final PeerIdentity PRIMARY = new PeerIdentity("a", "pair-1", 1 << 20, 512, 2,
            PeerIdentity.FLAG_PAIRED | PeerIdentity.FLAG_CLEAN);

    private final RecordingSide side = new RecordingSide(null);
    private final List<PeerIdentity> linked = side.linked;
    private final LogCapture log = new LogCapture();

    @AfterEach
    void closeLog() {
        log.close();
    }

    private EmbeddedChannel secondary() {
        return new EmbeddedChannel(OneVolume.handshake(AUTH, () -> SECONDARY, side, () -> false));
    }

    /** Sends HELLO as a primary would; returns the secondary's HELLO_ACK. */
    private static HelloAck hello(EmbeddedChannel ch, PeerIdentity primary, byte[] nonce) {
        ch.writeInbound(new Hello(Handshake.VERSION, primary, nonce));
        return assertInstanceOf(HelloAck.class, ch.readOutbound());
    }

    @Test
    void aPrimaryThatProvesTheSecretIsLinked() {
        EmbeddedChannel ch = secondary();
        byte[] nonce = PeerAuth.newNonce();
        HelloAck ack = hello(ch, PRIMARY, nonce);
        assertTrue(AUTH.verify(PeerAuth.Role.SECONDARY, nonce, ack.nonce(), ack.proof()), "the secondary proved itself");
        ch.writeInbound(new HelloProof(AUTH.proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce())));
        assertEquals(List.of(PRIMARY), linked);
        assertTrue(ch.isOpen());
        assertNull(ch.pipeline().get(SecondaryHandshake.class), "the handshake left the pipeline");
        ch.finishAndReleaseAll();
    }

    @Test
    void aHelloForALunThisNodeDoesNotMirrorIsRefusedNamingIt() {
        EmbeddedChannel ch = secondary();
        PeerIdentity lun4 = new PeerIdentity("a", "pair-1", 1 << 20, 512, 2, PeerIdentity.FLAG_PAIRED, 4, List.of(0, 4));
        ch.writeInbound(new Hello(Handshake.VERSION, lun4, PeerAuth.newNonce()));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.VOLUME_MISMATCH, e.code());
        assertTrue(e.message().contains("LUN 4") && e.message().contains("not configured on this node"), e.message());
        assertFalse(ch.isOpen());
        assertTrue(linked.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void anOlderProtocolIsRefusedByVersionNotAsAMalformedFrame() {
        EmbeddedChannel ch = secondary();
        ch.writeInbound(new Hello(1, PRIMARY, PeerAuth.newNonce()));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.VERSION_MISMATCH, e.code());
        ch.finishAndReleaseAll();
    }

    @Test
    void aWrongProofClosesTheConnectionWithOneLogLine() {
        EmbeddedChannel ch = secondary();
        byte[] nonce = PeerAuth.newNonce();
        HelloAck ack = hello(ch, PRIMARY, nonce);
        // A proof made with another secret.
        byte[] forged = new PeerAuth("some other secret entirely".getBytes()).proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce());
        ch.writeInbound(new HelloProof(forged));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.AUTH_FAILED, e.code());
        assertFalse(ch.isOpen());
        assertTrue(linked.isEmpty());
        assertEquals(1, log.lines.stream().filter(l -> l.contains("refused: authentication failed")).count(), log.lines.toString());
        ch.finishAndReleaseAll();
    }

    @Test
    void aReflectedProofOfTheSecondaryIsNotAcceptedAsThePrimarys() {
        EmbeddedChannel ch = secondary();
        byte[] nonce = PeerAuth.newNonce();
        HelloAck ack = hello(ch, PRIMARY, nonce);
        ch.writeInbound(new HelloProof(ack.proof())); // echo the secondary's own proof back
        assertFalse(ch.isOpen());
        assertTrue(linked.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void aPrimaryOfAnotherPairIsRefusedAfterAuthenticating() {
        EmbeddedChannel ch = secondary();
        byte[] nonce = PeerAuth.newNonce();
        PeerIdentity stranger = new PeerIdentity("x", "pair-2", 1 << 20, 512, 2, PeerIdentity.FLAG_PAIRED);
        HelloAck ack = hello(ch, stranger, nonce);
        ch.writeInbound(new HelloProof(AUTH.proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce())));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.VOLUME_MISMATCH, e.code());
        assertTrue(e.message().contains("volume ids differ: primary pair-2, secondary pair-1"), e.message());
        assertTrue(linked.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void anOlderPrimaryCannotOverwriteAPromotedSecondary() {
        EmbeddedChannel ch = secondary();
        byte[] nonce = PeerAuth.newNonce();
        PeerIdentity stale = new PeerIdentity("a", "pair-1", 1 << 20, 512, 1, PeerIdentity.FLAG_PAIRED);
        HelloAck ack = hello(ch, stale, nonce);
        ch.writeInbound(new HelloProof(AUTH.proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce())));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.GENERATION_CONFLICT, e.code());
        ch.finishAndReleaseAll();
    }
}
