package net.twinblock.mirror.witness;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.twinblock.mirror.link.SharedKey;

/**
 * Mutual challenge-response with a pair's key, as the peer link does it but with the client
 * proving first, because a witness holding many keys learns from that proof which pair's key it is:
 * <pre>
 *   client  -- HELLO(version, nonceC) --------------------------------------->  witness
 *   client  <- CHALLENGE(nonceW) ----------------------------------------------  witness
 *   client  -- PROOF(HMAC(key, domain | CLIENT | nonceC | nonceW)) ---------->  witness (tries each key)
 *   client  <- PROOF(HMAC(key, domain | WITNESS | nonceC | nonceW)) ----------  witness
 * </pre>
 * Until the client's proof checked out, the witness sends nothing but a random nonce (and, on a
 * bad proof, an error): nothing about any pair. Each side proves over the other's fresh nonce, so
 * a recording cannot be replayed; the labels keep one side's proof from being reflected as the
 * other's; the domain keeps a witness proof from ever being a proof of the peer link, which uses
 * the same key (a client that knows no key would otherwise make a node compute a peer-link proof
 * for it by posing as its witness). Every frame after the handshake is sealed with a key derived
 * from the pair's key and both nonces ({@link FrameSeal}).
 */
final class WitnessAuth {

    /** Which side computes a proof. */
    enum Prover {
        CLIENT, WITNESS
    }

    /** 2: every frame after the handshake is sealed ({@link FrameSeal}); 1 sent them bare. */
    static final int VERSION = 2;
    private static final byte[] DOMAIN = "twinblock-witness-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_ID_LABEL = "key-id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SESSION_LABEL = "frame-seal".getBytes(StandardCharsets.US_ASCII);

    private WitnessAuth() {
    }

    static byte[] proof(SharedKey key, Prover prover, byte[] clientNonce, byte[] witnessNonce) {
        return key.mac(DOMAIN, label(prover), clientNonce, witnessNonce);
    }

    /** Constant time. */
    static boolean verify(SharedKey key, Prover prover, byte[] clientNonce, byte[] witnessNonce, byte[] proof) {
        return key.verify(proof, DOMAIN, label(prover), clientNonce, witnessNonce);
    }

    /**
     * The key that seals this connection's frames ({@link FrameSeal}): fresh for each handshake
     * (both nonces), so a frame recorded from another connection never checks out on this one.
     */
    static SharedKey sessionKey(SharedKey key, byte[] clientNonce, byte[] witnessNonce) {
        return new SharedKey(key.mac(DOMAIN, SESSION_LABEL, clientNonce, witnessNonce));
    }

    /**
     * What the witness stores to bind a pair's state to a key: an HMAC of a constant under the key,
     * so the state file shows which key owns a pair without holding anything the key can be got from.
     */
    static String keyId(SharedKey key) {
        return HexFormat.of().formatHex(key.mac(DOMAIN, KEY_ID_LABEL));
    }

    private static byte[] label(Prover prover) {
        return new byte[] {(byte) prover.ordinal()};
    }
}
