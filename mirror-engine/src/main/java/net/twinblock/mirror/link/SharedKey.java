package net.twinblock.mirror.link;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A pair's shared key as HMAC-SHA256, for every challenge-response that proves it: the peer link
 * ({@link PeerAuth}) and the witness. Each protocol puts its own domain string first in every
 * MAC, so a proof one protocol computes can never be replayed as a proof of the other (the same
 * key serves both).
 */
public final class SharedKey {

    /** The shortest key accepted: 128 bits, enough that guessing it is not an attack. */
    public static final int MIN_BYTES = 16;
    /** Length of every MAC, nonce and proof built on it. */
    public static final int MAC_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** @throws IllegalArgumentException if the secret is shorter than {@value #MIN_BYTES} bytes (guessable) */
    public SharedKey(byte[] secret) {
        if (secret == null || secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("the peer shared secret must be at least " + MIN_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /** A fresh random challenge of {@value #MAC_BYTES} bytes. */
    public static byte[] newNonce() {
        byte[] nonce = new byte[MAC_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** HMAC-SHA256 over the concatenation of {@code parts}. */
    public byte[] mac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    /** True if {@code proof} is {@link #mac} of {@code parts}; constant time, so timing tells no attacker how many bytes matched. */
    public boolean verify(byte[] proof, byte[]... parts) {
        return MessageDigest.isEqual(mac(parts), proof);
    }
}
