package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessHarness.KEY_1;
import static net.twinblock.mirror.witness.WitnessHarness.get;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.SharedKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client without the key, a broken client, and a witness without the key get: a nonce and
 * a refusal, a closed connection, no connection; never a pair's state, never a crash.
 */
@ExtendWith(LeakGuard.class)
class WitnessHostileClientTest {

    private static final String PAIR = "secret-pair-name";

    @TempDir
    Path dir;

    private WitnessHarness h;
    private WitnessClient owner;

    @BeforeEach
    void start() throws Exception {
        h = new WitnessHarness(dir);
        owner = h.client(KEY_1);
        assertTrue(get(owner.renewLease(PAIR, "a", 1)).granted());
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private RawWitnessSocket connect() throws Exception {
        return new RawWitnessSocket(new Socket(h.address().getAddress(), h.address().getPort()));
    }

    /** The witness still serves its real clients. */
    private void stillServing() throws Exception {
        assertEquals("a", get(owner.query(PAIR)).primary());
    }

    @Test
    void aWrongProofGetsANonceAndARefusalAndNothingElse() throws Exception {
        try (RawWitnessSocket s = connect()) {
            s.send(new WitnessHello(WitnessAuth.VERSION, SharedKey.newNonce()));
            assertInstanceOf(WitnessChallenge.class, s.read());
            byte[] guess = WitnessAuth.proof(new SharedKey("a guess at the key, 32 bytes....".getBytes()),
                    WitnessAuth.Prover.CLIENT, new byte[32], new byte[32]);
            s.send(new KeyProof(guess));
            WitnessError e = assertInstanceOf(WitnessError.class, s.read());
            assertEquals(WitnessErrorCode.AUTH_FAILED, e.code());
            assertFalse(e.message().contains(PAIR));
            assertNull(s.read(), "closed after the refusal");
        }
        stillServing();
    }

    @Test
    void aRequestBeforeTheProofIsRefusedUnanswered() throws Exception {
        try (RawWitnessSocket s = connect()) {
            s.send(new PairRequest(WitnessFrameType.QUERY, 1, PAIR, "", 0));
            WitnessError e = assertInstanceOf(WitnessError.class, s.read());
            assertEquals(WitnessErrorCode.AUTH_FAILED, e.code());
            assertEquals("sent QUERY before completing the authenticated handshake", e.message());
            assertNull(s.read());
        }
        try (RawWitnessSocket s = connect()) {
            s.send(new WitnessHello(WitnessAuth.VERSION, SharedKey.newNonce()));
            assertInstanceOf(WitnessChallenge.class, s.read());
            s.send(new PairRequest(WitnessFrameType.FORCE_PROMOTE, 1, PAIR, "mallory", 0));
            assertInstanceOf(WitnessError.class, s.read());
            assertNull(s.read());
        }
        assertEquals("a", get(owner.query(PAIR)).primary(), "nothing changed");
    }

    @Test
    void anotherProtocolVersionIsRefused() throws Exception {
        try (RawWitnessSocket s = connect()) {
            s.send(new WitnessHello(WitnessAuth.VERSION - 1, SharedKey.newNonce())); // bare frames after the handshake
            WitnessError e = assertInstanceOf(WitnessError.class, s.read());
            assertEquals(WitnessErrorCode.VERSION_MISMATCH, e.code());
            assertNull(s.read());
        }
    }

    @Test
    void garbageAndMalformedFramesCloseTheConnectionAndTheWitnessGoesOn() throws Exception {
        try (RawWitnessSocket s = connect()) {
            s.sendBytes("GET / HTTP/1.1\r\nHost: witness\r\n\r\n".getBytes());
            assertNull(s.read());
        }
        try (RawWitnessSocket s = connect()) {
            // A HELLO header announcing a 4-byte nonce.
            s.sendBytes(new byte[] {(byte) 0x81, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4});
            assertNull(s.read());
        }
        stillServing();
    }

    @Test
    void aWitnessThatCannotProveTheKeyIsNotTrusted() throws Exception {
        try (ServerSocket rogue = new ServerSocket(0, 1, h.address().getAddress())) {
            CompletableFuture<Void> serve = CompletableFuture.runAsync(() -> {
                try (RawWitnessSocket s = new RawWitnessSocket(rogue.accept())) {
                    s.read();
                    s.send(new WitnessChallenge(SharedKey.newNonce()));
                    s.read();
                    s.send(new KeyProof(SharedKey.newNonce()));
                    s.read(); // the client's refusal, then its close
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            WitnessClient c = new WitnessClient(new InetSocketAddress(h.address().getAddress(), rogue.getLocalPort()),
                    KEY_1, WitnessHarness.CLIENT, h.group, io.netty.channel.socket.nio.NioSocketChannel.class);
            try {
                c.start();
                await("client gave up on the rogue").atMost(Duration.ofSeconds(10))
                        .until(() -> String.valueOf(c.problem()).contains("did not prove it holds our key"));
                assertFalse(c.connected());
                serve.get();
            } finally {
                c.close();
            }
        }
    }
}
