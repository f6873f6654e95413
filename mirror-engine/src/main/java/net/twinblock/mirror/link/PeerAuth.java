package net.twinblock.mirror.link;

import java.nio.charset.StandardCharsets;

/**
 * Mutual challenge-response with a shared secret (HMAC-SHA256), so a secondary takes mirror
 * traffic only from its configured primary and the primary mirrors only to its real secondary.
 *
 * <pre>
 *   primary   -- HELLO(nonceP) ------------------------------------------------>  secondary
 *   primary   <- HELLO_ACK(nonceS, HMAC(secret, "secondary" | nonceP | nonceS)) --  secondary
 *   primary   -- HELLO_PROOF(HMAC(secret, "primary" | nonceP | nonceS), identity) ->  secondary
 *   primary   <- HELLO_IDENTITY(identity) ----------------------------------------  secondary
 *   primary   -- HELLO_DONE([discard order]) ------------------------------------>  secondary
 * </pre>
 * Each side proves over a nonce the other just chose, so a recorded handshake cannot be
 * replayed; the role label keeps one side's proof from being reflected back as the other's.
 * The secret never crosses the link. Each side names itself (node name, volume, generations)
 * only after the other has proven the key: whoever connects to a secondary without it learns a
 * nonce and a proof over it, and a primary that dials a stranger tells it nothing either.
 *
 * <p>The primary may also vouch for a statement in HELLO_DONE (an administrator's order that
 * the secondary discard its data): {@link #statementProof} is an HMAC over both nonces and the
 * statement under a third label, so it is good for this one handshake and cannot be forged,
 * replayed, or mistaken for either side's proof.
 */
public final class PeerAuth {

    /** Which side computes a proof. */
    public enum Role {
        PRIMARY, SECONDARY
    }

    private static final byte[] DOMAIN = "twinblock-peer-v1".getBytes(StandardCharsets.US_ASCII);
    /** After the role labels (0, 1): a statement's proof never equals a side's proof. */
    private static final byte STATEMENT_LABEL = 2;

    private final SharedKey key;

    /** @throws IllegalArgumentException if the secret is shorter than 16 bytes (guessable) */
    public PeerAuth(byte[] secret) {
        this.key = new SharedKey(secret);
    }

    public static byte[] newNonce() {
        return SharedKey.newNonce();
    }

    public byte[] proof(Role prover, byte[] primaryNonce, byte[] secondaryNonce) {
        return key.mac(DOMAIN, new byte[] {(byte) prover.ordinal()}, primaryNonce, secondaryNonce);
    }

    /** Constant-time comparison: timing must not tell an attacker how many bytes matched. */
    public boolean verify(Role prover, byte[] primaryNonce, byte[] secondaryNonce, byte[] proof) {
        return key.verify(proof, DOMAIN, new byte[] {(byte) prover.ordinal()}, primaryNonce, secondaryNonce);
    }

    /** The primary's HMAC over {@code statement} within the handshake of these two nonces. */
    public byte[] statementProof(byte[] primaryNonce, byte[] secondaryNonce, byte[] statement) {
        return key.mac(DOMAIN, new byte[] {STATEMENT_LABEL}, primaryNonce, secondaryNonce, statement);
    }

    /** True if {@code proof} is {@link #statementProof} of exactly this statement in this handshake; constant time. */
    public boolean verifyStatement(byte[] primaryNonce, byte[] secondaryNonce, byte[] statement, byte[] proof) {
        return key.verify(proof, DOMAIN, new byte[] {STATEMENT_LABEL}, primaryNonce, secondaryNonce, statement);
    }
}
