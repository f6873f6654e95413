package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.FrameHeader;
import net.twinblock.mirror.link.FrameType;
import net.twinblock.mirror.link.Hello;
import net.twinblock.mirror.link.HelloAck;
import net.twinblock.mirror.link.HelloDone;
import net.twinblock.mirror.link.HelloIdentity;
import net.twinblock.mirror.link.HelloProof;
import net.twinblock.mirror.link.PeerFrameDecoder;
import net.twinblock.mirror.link.PeerFrameEncoder;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerError;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each half of the handshake on its own: what it accepts, the one log line when it refuses, and
 * that neither names its node to a peer that has not proven the key.
 */
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
    private static HelloAck hello(EmbeddedChannel ch, byte[] nonce) {
        ch.writeInbound(new Hello(Handshake.VERSION, nonce));
        return assertInstanceOf(HelloAck.class, ch.readOutbound());
    }

    /** HELLO, then HELLO_PROOF with a good proof from {@code primary}: returns the secondary's next frame. */
    private static Object proven(EmbeddedChannel ch, PeerIdentity primary) {
        byte[] nonce = PeerAuth.newNonce();
        HelloAck ack = hello(ch, nonce);
        ch.writeInbound(new HelloProof(AUTH.proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce()), primary, null));
        return ch.readOutbound();
    }

    @Test
    void aPrimaryThatProvesTheSecretIsLinked() {
        EmbeddedChannel ch = secondary();
        byte[] nonce = PeerAuth.newNonce();
        HelloAck ack = hello(ch, nonce);
        assertTrue(AUTH.verify(PeerAuth.Role.SECONDARY, nonce, ack.nonce(), ack.proof()), "the secondary proved itself");
        ch.writeInbound(new HelloProof(AUTH.proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce()), PRIMARY, null));
        HelloIdentity id = assertInstanceOf(HelloIdentity.class, ch.readOutbound());
        assertEquals(SECONDARY, id.identity());
        assertTrue(linked.isEmpty(), "linked only at the primary's HELLO_DONE");
        ch.writeInbound(new HelloDone(null));
        assertEquals(List.of(PRIMARY), linked);
        assertTrue(ch.isOpen());
        assertNull(ch.pipeline().get(SecondaryHandshake.class), "the handshake left the pipeline");
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientWithoutTheKeyLearnsNothingAboutTheNode() {
        // Names long enough that random nonce bytes cannot contain them by chance.
        PeerIdentity named = new PeerIdentity("secondary-node-beta", "pair-volume-0001", 1 << 20, 512, 2,
                PeerIdentity.FLAG_PAIRED);
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameEncoder(),
                OneVolume.handshake(AUTH, () -> named, side, () -> false));
        ch.writeInbound(new Hello(Handshake.VERSION, PeerAuth.newNonce()));
        ByteBuf answer = ch.readOutbound();
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        int length = answer.readableBytes();
        answer.release();
        // The whole first answer: a 16-byte header, the version, a nonce and a proof; no name, volume or generation.
        assertEquals(16 + 2 + 32 + 32, length);
        assertFalse(text.contains(named.nodeId()) || text.contains(named.volumeId()), "the answer names the node");
        assertNull(ch.readOutbound(), "nothing else is sent");
        // A guessed proof: refused, and still nothing about the node.
        ch.writeInbound(new HelloProof(new byte[32], PRIMARY, null));
        ByteBuf refusal = ch.readOutbound();
        String refused = refusal.toString(StandardCharsets.ISO_8859_1);
        refusal.release();
        assertTrue(refused.contains("authentication failed"), refused);
        assertFalse(refused.contains(named.nodeId()) || refused.contains(named.volumeId()), refused);
        assertNull(ch.readOutbound(), "no HELLO_IDENTITY after a wrong proof");
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void aPrimaryTellsAServerWithoutTheKeyNothingAboutItself() {
        RecordingSide primarySide = new RecordingSide(null);
        EmbeddedChannel p = new EmbeddedChannel(new PrimaryHandshake(AUTH, () -> PRIMARY, primarySide));
        Hello hello = assertInstanceOf(Hello.class, p.readOutbound());
        assertEquals(Handshake.VERSION, hello.version());
        // A stranger answers with a proof made without the key.
        byte[] theirs = PeerAuth.newNonce();
        byte[] forged = new PeerAuth("not the pair's key, long enough".getBytes(StandardCharsets.UTF_8))
                .proof(PeerAuth.Role.SECONDARY, hello.nonce(), theirs);
        p.writeInbound(new HelloAck(Handshake.VERSION, theirs, forged));
        PeerError e = assertInstanceOf(PeerError.class, p.readOutbound());
        assertEquals(PeerErrorCode.AUTH_FAILED, e.code());
        assertNull(p.readOutbound(), "no HELLO_PROOF (with the primary's identity) to a stranger");
        assertFalse(p.isOpen());
        assertTrue(primarySide.linked.isEmpty());
        p.finishAndReleaseAll();
    }

    @Test
    void aHelloProofForALunThisNodeDoesNotMirrorIsRefusedNamingIt() {
        EmbeddedChannel ch = secondary();
        PeerIdentity lun4 = new PeerIdentity("a", "pair-1", 1 << 20, 512, 2, PeerIdentity.FLAG_PAIRED, 4, List.of(0, 4));
        PeerError e = assertInstanceOf(PeerError.class, proven(ch, lun4));
        assertEquals(PeerErrorCode.VOLUME_MISMATCH, e.code());
        assertTrue(e.message().contains("LUN 4") && e.message().contains("not configured on this node"), e.message());
        assertFalse(ch.isOpen());
        assertTrue(linked.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void anOlderProtocolIsRefusedByVersionNotAsAMalformedFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder(),
                OneVolume.handshake(AUTH, () -> SECONDARY, side, () -> false));
        // A version-2 HELLO: the primary's identity came first, 62 fixed bytes and more.
        ByteBuf old = Unpooled.buffer();
        new FrameHeader(FrameType.HELLO.code(), 0, 70, 0, 0).write(old);
        old.writeShort(2).writeZero(68);
        ch.writeInbound(old);
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.VERSION_MISMATCH, e.code());
        ch.finishAndReleaseAll();
    }

    @Test
    void aWrongProofClosesTheConnectionWithOneLogLine() {
        EmbeddedChannel ch = secondary();
        byte[] nonce = PeerAuth.newNonce();
        HelloAck ack = hello(ch, nonce);
        // A proof made with another secret.
        byte[] forged = new PeerAuth("some other secret entirely".getBytes()).proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce());
        ch.writeInbound(new HelloProof(forged, PRIMARY, null));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.AUTH_FAILED, e.code());
        assertFalse(ch.isOpen());
        assertTrue(linked.isEmpty());
        assertEquals(1, log.lines.stream().filter(l -> l.contains("refused: authentication failed")).count(), log.lines.toString());
        assertTrue(side.failures.get(0).contains("authentication failed"), "status shows why: " + side.failures);
        ch.finishAndReleaseAll();
    }

    @Test
    void aReflectedProofOfTheSecondaryIsNotAcceptedAsThePrimarys() {
        EmbeddedChannel ch = secondary();
        byte[] nonce = PeerAuth.newNonce();
        HelloAck ack = hello(ch, nonce);
        ch.writeInbound(new HelloProof(ack.proof(), PRIMARY, null)); // echo the secondary's own proof back
        assertInstanceOf(PeerError.class, ch.readOutbound());
        assertFalse(ch.isOpen());
        assertTrue(linked.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void aPrimaryOfAnotherPairIsRefusedAfterAuthenticating() {
        EmbeddedChannel ch = secondary();
        PeerIdentity stranger = new PeerIdentity("x", "pair-2", 1 << 20, 512, 2, PeerIdentity.FLAG_PAIRED);
        assertInstanceOf(HelloIdentity.class, proven(ch, stranger));
        ch.writeInbound(new HelloDone(null));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.VOLUME_MISMATCH, e.code());
        assertTrue(e.message().contains("volume ids differ: primary pair-2, secondary pair-1"), e.message());
        assertTrue(linked.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void anOlderPrimaryCannotOverwriteAPromotedSecondary() {
        EmbeddedChannel ch = secondary();
        PeerIdentity stale = new PeerIdentity("a", "pair-1", 1 << 20, 512, 1, PeerIdentity.FLAG_PAIRED);
        assertInstanceOf(HelloIdentity.class, proven(ch, stale));
        ch.writeInbound(new HelloDone(null));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.GENERATION_CONFLICT, e.code());
        ch.finishAndReleaseAll();
    }

    @Test
    void mirrorFramesBeforeHelloDoneAreRefused() {
        EmbeddedChannel ch = secondary();
        assertInstanceOf(HelloIdentity.class, proven(ch, PRIMARY));
        ch.writeInbound(new net.twinblock.mirror.link.Flush(1));
        PeerError e = assertInstanceOf(PeerError.class, ch.readOutbound());
        assertEquals(PeerErrorCode.AUTH_FAILED, e.code());
        assertTrue(linked.isEmpty());
        ch.finishAndReleaseAll();
    }
}
