package net.twinblock.mirror.link;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual challenge-response with a shared secret (HMAC-SHA256), so a secondary takes mirror
 * traffic only from its configured primary and the primary mirrors only to its real secondary.
 *
 * <pre>
 *   primary   -- HELLO(nonceP) ------------------------------------------------>  secondary
 *   primary   <- HELLO_ACK(nonceS, HMAC(secret, "secondary" | nonceP | nonceS)) --  secondary
 *   primary   -- HELLO_PROOF(HMAC(secret, "primary" | nonceP | nonceS)) -------->  secondary
 * </pre>
 * Each side proves over a nonce the other just chose, so a recorded handshake cannot be
 * replayed; the role label keeps one side's proof from being reflected back as the other's.
 * The secret never crosses the link.
 *
 * <p>The primary may also vouch for a statement in HELLO_PROOF (an administrator's order that
 * the secondary discard its data): {@link #statementProof} is an HMAC over both nonces and the
 * statement under a third label, so it is good for this one handshake and cannot be forged,
 * replayed, or mistaken for either side's proof.
 */
public final class PeerAuth {

    /** Which side computes a proof. */
    public enum Role {
        PRIMARY, SECONDARY
    }

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DOMAIN = "twinblock-peer-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** After the role labels (0, 1): a statement's proof never equals a side's proof. */
    private static final byte STATEMENT_LABEL = 2;

    private final SecretKeySpec key;

    /** @throws IllegalArgumentException if the secret is shorter than 16 bytes (guessable) */
    public PeerAuth(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the peer shared secret must be at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    public static byte[] newNonce() {
        byte[] nonce = new byte[HelloBody.NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    public byte[] proof(Role prover, byte[] primaryNonce, byte[] secondaryNonce) {
        return mac((byte) prover.ordinal(), primaryNonce, secondaryNonce, new byte[0]);
    }

    private byte[] mac(byte label, byte[] primaryNonce, byte[] secondaryNonce, byte[] statement) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(DOMAIN);
            mac.update(label);
            mac.update(primaryNonce);
            mac.update(secondaryNonce);
            mac.update(statement);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    /** Constant-time comparison: timing must not tell an attacker how many bytes matched. */
    public boolean verify(Role prover, byte[] primaryNonce, byte[] secondaryNonce, byte[] proof) {
        return MessageDigest.isEqual(proof(prover, primaryNonce, secondaryNonce), proof);
    }

    /** The primary's HMAC over {@code statement} within the handshake of these two nonces. */
    public byte[] statementProof(byte[] primaryNonce, byte[] secondaryNonce, byte[] statement) {
        return mac(STATEMENT_LABEL, primaryNonce, secondaryNonce, statement);
    }

    /** True if {@code proof} is {@link #statementProof} of exactly this statement in this handshake; constant time. */
    public boolean verifyStatement(byte[] primaryNonce, byte[] secondaryNonce, byte[] statement, byte[] proof) {
        return MessageDigest.isEqual(statementProof(primaryNonce, secondaryNonce, statement), proof);
    }
}
